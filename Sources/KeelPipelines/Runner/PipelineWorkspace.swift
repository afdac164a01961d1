public import Foundation
import KeelCore

/// A pipeline's directory and what Keel keeps in it: `keel.yaml`, the params file, `keel.lock`,
/// and `.keel/` (the cache, the last log and report of each stage, the run lock).
public struct PipelineWorkspace: Sendable {
    public let directory: URL
    public let spec: PipelineSpec
    public let params: PipelineParams
    public let graph: PipelineGraph
    /// Where the content cache lives: `.keel/cache` here, or a shared one for an isolated copy.
    let cacheRoot: URL?
    /// The name the pipeline goes by (its directory's, unless a copy runs for it).
    public let name: String

    /// Reads and checks `keel.yaml` and its params file in `directory`.
    public init(directory: URL) throws {
        try self.init(directory: directory, name: nil, cacheRoot: nil)
    }

    /// A workspace for `directory` under another name and cache: an isolated copy of a pipeline
    /// that shares the original's content cache.
    init(directory: URL, name: String?, cacheRoot: URL?) throws {
        self.directory = directory.standardizedFileURL
        self.name = name ?? self.directory.lastPathComponent
        self.cacheRoot = cacheRoot
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


    public var lockURL: URL { directory.appendingPathComponent("keel.lock") }
    public var stateDirectory: URL { directory.appendingPathComponent(".keel") }
    public var cache: ContentCache { ContentCache(root: cacheRoot ?? stateDirectory.appendingPathComponent("cache")) }

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

    /// A copy of this pipeline's directory (without `.keel/`) under `parent`, sharing this
    /// workspace's cache: for a run that must not touch the outputs and `keel.lock` of a run
    /// already going on here. Blocks while it copies.
    func isolatedCopy(in parent: URL) throws -> PipelineWorkspace {
        let copy = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory.path) where entry != ".keel" {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(entry), to: copy.appendingPathComponent(entry))
        }
        return try PipelineWorkspace(directory: copy, name: name, cacheRoot: cache.root)
    }
}
