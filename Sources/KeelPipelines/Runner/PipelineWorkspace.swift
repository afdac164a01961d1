public import Foundation
import KeelCore

/// A pipeline's directory and what Keel keeps in it: `keel.yaml`, the params file, `keel.lock`,
/// and `.keel/` (the cache, the last log and report of each stage, the run lock).
public struct PipelineWorkspace: Sendable {
    public let directory: URL
    public let spec: PipelineSpec
    public let params: PipelineParams
    public let graph: PipelineGraph

    /// Reads and checks `keel.yaml` and its params file in `directory`.
    public init(directory: URL) throws {
        self.directory = directory.standardizedFileURL
        let file = self.directory.appendingPathComponent("keel.yaml")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw KeelError.invalidParameter("No readable keel.yaml in '\(directory.path)'.")
        }
        spec = try PipelineSpec(yaml: text)
        let paramsText = (try? String(contentsOf: self.directory.appendingPathComponent(spec.paramsFile), encoding: .utf8)) ?? ""
        params = try PipelineParams(yaml: paramsText, file: spec.paramsFile)
        for stage in spec.stages { _ = try stage.fingerprint(params: params) }
        graph = PipelineGraph(spec)
    }

    /// The pipeline's name: its directory's.
    public var name: String { directory.lastPathComponent }

    public var lockURL: URL { directory.appendingPathComponent("keel.lock") }
    public var stateDirectory: URL { directory.appendingPathComponent(".keel") }
    public var cache: ContentCache { ContentCache(root: stateDirectory.appendingPathComponent("cache")) }

    /// Where a stage's last output is kept.
    public func logURL(_ stage: String) -> URL {
        stateDirectory.appendingPathComponent("logs").appendingPathComponent("\(stage).log")
    }

    /// Where a built-in stage's last report is kept.
    public func reportURL(_ stage: String) -> URL {
        stateDirectory.appendingPathComponent("reports").appendingPathComponent("\(stage).json")
    }

    /// `keel.lock`, or an empty lock when there is none yet.
    public func readLock() throws -> PipelineLock {
        guard let text = try? String(contentsOf: lockURL, encoding: .utf8) else { return PipelineLock() }
        return try PipelineLock(yaml: text)
    }

    /// Writes `keel.lock` through a temporary file and a rename, so a crash leaves the old or the new lock, never half of one.
    public func writeLock(_ lock: PipelineLock) throws {
        let temporary = directory.appendingPathComponent(".keel.lock.tmp-\(getpid())")
        try Data(try lock.yaml().utf8).write(to: temporary)
        guard rename(temporary.path, lockURL.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw KeelError.invalidParameter("Cannot write \(lockURL.path): \(String(cString: strerror(errno))).")
        }
    }

    /// The stages to run for `targets` (each with everything it needs), in run order; all stages when empty.
    public func selection(_ targets: [String]) throws -> [String] {
        guard !targets.isEmpty else { return graph.order }
        var needed: Set<String> = []
        for target in targets {
            guard spec.stage(target) != nil else {
                throw KeelError.invalidParameter("keel.yaml has no stage '\(target)'; its stages are \(graph.order.joined(separator: ", ")).")
            }
            needed.formUnion(graph.closure(of: target))
        }
        return graph.order.filter(needed.contains)
    }

    /// The last `register` stage that `stage` waits for, directly or not: the version a deploy rolls out.
    public func registerStage(before stage: String) -> (name: String, spec: RegisterSpec)? {
        for name in graph.closure(of: stage).dropLast().reversed() {
            if case .register(let spec) = spec.stage(name)!.kind { return (name, spec) }
        }
        return nil
    }
}
