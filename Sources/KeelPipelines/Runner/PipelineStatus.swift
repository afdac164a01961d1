import Foundation

/// What `keel status` reports for one stage: whether `keel run` would run it, and why.
public struct StageState: Sendable, Encodable {
    public enum State: String, Sendable, Encodable {
        /// Same command, inputs and params as `keel.lock` records, outputs in place.
        case upToDate = "up_to_date"
        /// Something it reads or writes changed; it would run (or be restored from the cache).
        case stale
        /// Unchanged itself, but a stage it waits for is stale, so its inputs may change.
        case waiting
    }

    public var stage: String
    public var state: State
    public var reasons: [String]
    /// Whether the run cache holds outputs for its current inputs (it would be restored, not run).
    public var cached: Bool
}

extension PipelineWorkspace {
    /// Every stage's state against `keel.lock` (blocks while it hashes: call it off the shared executor).
    ///
    /// A gate that compares with the champion (`prev`) is judged on its files alone here; `keel
    /// run` also re-checks it when the champion changed.
    public func status() throws -> [StageState] {
        let lock = try readLock()
        var states: [String: StageState] = [:]
        for name in graph.order {
            let stage = spec.stage(name)!
            let plan = try StagePlan(stage: stage, params: params, directory: directory, registry: registryInputs(stage, lock: lock))
            var reasons = plan.staleness(against: lock.stages[name], directory: directory)
            let staleUpstream = graph.upstream[name]!.sorted().filter { states[$0]?.state != .upToDate }
            let waitReason = "waits for stale stage\(staleUpstream.count > 1 ? "s" : "") \(staleUpstream.map { "'\($0)'" }.joined(separator: ", "))"
            let state: StageState.State
            if !reasons.isEmpty {
                state = .stale
                // A missing input another stage writes is expected until that stage runs.
                if !staleUpstream.isEmpty, reasons.allSatisfy({ $0.hasPrefix("input '") && $0.hasSuffix("' does not exist") }) {
                    reasons = [waitReason] + reasons
                }
            } else if !staleUpstream.isEmpty {
                state = .waiting
                reasons = [waitReason]
            } else {
                state = .upToDate
            }
            let cached = state == .stale && plan.key.map { cache.lookUpRun($0) != nil } == true
            states[name] = StageState(stage: name, state: state, reasons: reasons, cached: cached)
        }
        return graph.order.map { states[$0]! }
    }

    /// The registry inputs as the last run saw them: status never asks a server, so a gate's
    /// champion is taken as unchanged and a deploy's version is the one its register stage recorded.
    private func registryInputs(_ stage: StageSpec, lock: PipelineLock) -> [String: String] {
        switch stage.kind {
        case .gate(let spec) where spec.conditions.contains(where: { $0.bound.usesPrevious }):
            return lock.stages[stage.name]?.params[StagePlan.championKey].map { [StagePlan.championKey: $0] } ?? [:]
        case .deploy:
            guard let (name, spec) = registerStage(before: stage.name), let version = lock.stages[name]?.result?["version"] else { return [:] }
            return [StagePlan.versionKey: "\(spec.name)/\(version)"]
        default:
            return [:]
        }
    }
}
