public import Foundation
import KeelCore

/// A stage as it would run now: its command, the hashes of what it reads, its parameters and the
/// run-cache key they give, and what changed since `keel.lock`.
public struct StagePlan: Sendable {
    public var stage: StageSpec
    /// The command with parameters filled in, or the built-in step's settings.
    public var fingerprint: String
    public var deps: [PipelineLock.Entry]
    public var params: [String: String]
    /// Inputs that do not exist (yet).
    public var missing: [String]
    /// The run-cache key; nil while an input is missing.
    public var key: String?

    /// Hashes the stage's inputs in `directory` (blocks: call it off the shared executor).
    /// `registry` holds what a built-in step reads from the registry rather than from files
    /// (`keel.champion` for a gate's `prev`, `keel.version` for a deploy); it counts as params.
    public init(stage: StageSpec, params: PipelineParams, directory: URL, registry: [String: String] = [:]) throws {
        self.stage = stage
        fingerprint = try stage.fingerprint(params: params)
        self.params = try params.values(for: stage.params, stage: stage.name).merging(registry) { _, registry in registry }
        var deps: [PipelineLock.Entry] = []
        var missing: [String] = []
        for input in Self.unique(stage.inputs) {
            let url = directory.appendingPathComponent(input)
            guard ContentHash.kind(url.path) != nil else {
                missing.append(input)
                continue
            }
            deps.append(PipelineLock.Entry(path: input, hash: try ContentHash.of(url)))
        }
        self.deps = deps.sorted { $0.path < $1.path }
        self.missing = missing
        key = missing.isEmpty ? PipelineLock.Stage.key(cmd: fingerprint, deps: self.deps, params: self.params) : nil
    }

    /// Why the stage must run again, compared with its last successful run in `lock`; empty when
    /// it is up to date (same key, every output in place with the recorded hash).
    public func staleness(against lock: PipelineLock.Stage?, directory: URL) -> [String] {
        if !missing.isEmpty { return missing.map { "input '\($0)' does not exist" } }
        guard let lock else { return ["never ran"] }
        var reasons: [String] = []
        if lock.cmd != fingerprint { reasons.append(stage.kind.name == "cmd" ? "command changed" : "settings changed") }
        let locked = Dictionary(lock.deps.map { ($0.path, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        for dep in deps {
            switch locked[dep.path] {
            case nil: reasons.append("input '\(dep.path)' is new")
            case dep.sha256?: break
            default: reasons.append("input '\(dep.path)' changed")
            }
        }
        for path in locked.keys.sorted() where !deps.contains(where: { $0.path == path }) {
            reasons.append("input '\(path)' is no longer read")
        }
        for key in Set(params.keys).union(lock.params.keys).sorted() where params[key] != lock.params[key] {
            reasons.append("param \(key): \(lock.params[key] ?? "(none)") → \(params[key] ?? "(none)")")
        }
        for out in lock.outs {
            let url = directory.appendingPathComponent(out.path)
            if ContentHash.kind(url.path) == nil {
                reasons.append("output '\(out.path)' is missing")
            } else if (try? ContentHash.of(url))?.sha256 != out.sha256 {
                reasons.append("output '\(out.path)' was modified")
            }
        }
        let recorded = Set(lock.outs.map(\.path))
        for product in stage.products where !recorded.contains(product) {
            reasons.append("output '\(product)' is new")
        }
        if reasons.isEmpty && lock.key != key { reasons.append("run-cache key changed") }
        return reasons
    }

    private static func unique(_ paths: [String]) -> [String] {
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }
}

extension StagePlan {
    /// The run-cache input naming the champion's metrics a gate's `prev` compared with.
    public static let championKey = "keel.champion"
    /// The run-cache input naming the version a deploy stage rolled out.
    public static let versionKey = "keel.version"

    /// The champion's metrics as one canonical line (`none` when there is no champion).
    static func championText(_ metrics: [String: Double]?) -> String {
        guard let metrics else { return "none" }
        return metrics.keys.sorted().map { "\($0)=\(metrics[$0]!)" }.joined(separator: ",")
    }
}
