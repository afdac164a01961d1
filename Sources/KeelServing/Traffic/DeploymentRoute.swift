/// A deployment's traffic policy bound to running runtimes: what the request path reads.
///
/// Routes are immutable; a policy change builds a new one and swaps it in, so a request
/// always finishes on the runtime it picked.
struct DeploymentRoute: Sendable {
    /// A version with the runtime that serves it.
    struct Target: Sendable {
        let version: Int64
        let runtime: ModelRuntime
        var label: String { String(version) }
    }

    /// Where one request goes.
    struct Decision: Sendable {
        /// Answers the caller.
        let target: Target
        /// `primary`, `candidate` or `variant`: how the answering version was chosen.
        let role: String
        /// Also gets the request, for comparison only.
        let shadow: Target?
    }

    private enum Split: Sendable {
        case single
        case canary(Target, fraction: Double)
        case weighted([(target: Target, upTo: Double)], total: Double, stickyHeader: String?)
        case shadow(Target)
    }

    let name: String
    /// What the inference log keeps of personal-data columns.
    let sensitiveColumns: SensitiveColumns?
    let primary: Target
    /// Every target, primary first.
    let targets: [Target]
    private let split: Split

    /// Binds `deployment`'s policy to `runtimes` (one per version it needs).
    init(deployment: Deployment, runtimes: [Int64: ModelRuntime]) {
        func target(_ version: Int64) -> Target { Target(version: version, runtime: runtimes[version]!) }
        name = deployment.name
        sensitiveColumns = deployment.sensitiveColumns
        primary = target(deployment.primaryVersion)
        targets = deployment.versions.map(target)
        switch deployment.traffic {
        case .single:
            split = .single
        case .canary(let candidate, let percent):
            split = .canary(target(candidate), fraction: percent / 100)
        case .abTest(let variants, let stickyHeader):
            var cumulative = 0.0
            let bounds = variants.map { variant in
                cumulative += variant.weight
                return (target: target(variant.version), upTo: cumulative)
            }
            split = .weighted(bounds, total: cumulative, stickyHeader: stickyHeader?.lowercased())
        case .shadow(let candidate):
            split = .shadow(target(candidate))
        }
    }

    /// Picks the version for one request; `headers` are lower-cased `x-…` request headers.
    func decide(headers: [String: String]) -> Decision {
        switch split {
        case .single:
            return Decision(target: primary, role: "primary", shadow: nil)
        case .canary(let candidate, let fraction):
            return Double.random(in: 0..<1) < fraction
                ? Decision(target: candidate, role: "candidate", shadow: nil)
                : Decision(target: primary, role: "primary", shadow: nil)
        case .weighted(let bounds, let total, let stickyHeader):
            let point: Double
            if let stickyHeader, let key = headers[stickyHeader] {
                point = Double(Self.stableHash(key) % 1_000_000) / 1_000_000 * total
            } else {
                point = Double.random(in: 0..<total)
            }
            let chosen = bounds.first { point < $0.upTo }?.target ?? bounds.last!.target
            return Decision(target: chosen, role: chosen.version == primary.version ? "primary" : "variant", shadow: nil)
        case .shadow(let candidate):
            return Decision(target: primary, role: "primary", shadow: candidate)
        }
    }

    /// The target serving `version`, if the deployment has it.
    func target(version: String) -> Target? {
        targets.first { $0.label == version }
    }

    /// FNV-1a: stable across processes and replicas, unlike `Hasher`.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
