/// A deployment as stored, with what this server is running for it.
public struct DeploymentState: Sendable {
    /// The stored deployment.
    public var deployment: Deployment
    /// `starting`, `ready` or `failed`.
    public var state: RuntimeState
    /// Why it failed, or what it is waiting for.
    public var message: String?
    /// One entry per version it needs.
    public var targets: [TargetState]
    /// The primary version requests are answered by right now (differs from the stored one
    /// while a new version loads: the switch happens when it is ready).
    public var servingVersion: Int64?

    /// One version of a deployment and its workers.
    public struct TargetState: Sendable {
        /// The model version.
        public var version: Int64
        /// `primary`, `candidate`, `variant` or `shadow`.
        public var role: String
        /// The runtime's state.
        public var state: RuntimeState
        /// Workers configured.
        public var workers: Int
        /// Workers that answer.
        public var readyWorkers: Int
        /// Worker restarts so far.
        public var restarts: Int
        /// The runtime's last problem.
        public var message: String?
        /// Process ids of its ready workers (for memory accounting and operators).
        public var workerPIDs: [Int32]
    }
}

extension Deployment {
    /// The role each version plays in the policy: `primary`, `candidate`, `variant` or `shadow`.
    public func role(of version: Int64) -> String {
        if version == primaryVersion { return "primary" }
        switch traffic {
        case .single: return "primary"
        case .canary: return "candidate"
        case .abTest: return "variant"
        case .shadow: return "shadow"
        }
    }
}
