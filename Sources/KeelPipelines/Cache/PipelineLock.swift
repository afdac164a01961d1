import Crypto
import Foundation
import KeelCore
import Yams

/// `keel.lock`: per stage, what it last ran with and what it produced, every file by hash
/// (the role of `dvc.lock`). Committed next to `keel.yaml`, it pins a pipeline's data and
/// results to content; `keel status` compares the working tree against it.
public struct PipelineLock: Sendable, Equatable, Codable {
    /// A path and its content hash.
    public struct Entry: Sendable, Equatable, Codable {
        public var path: String
        public var sha256: String
        public var size: Int64
        /// Files, for a directory.
        public var files: Int?

        public init(path: String, hash: ContentHash) {
            self.path = path
            sha256 = hash.sha256
            size = hash.size
            files = hash.files
        }

        /// The hash part.
        public var hash: ContentHash { ContentHash(sha256: sha256, size: size, files: files) }
    }

    /// One stage's last successful run.
    public struct Stage: Sendable, Equatable, Codable {
        /// The command as run (parameters filled in), or the built-in kind.
        public var cmd: String
        /// The run-cache key: a hash of `cmd`, the deps' hashes and the params.
        public var key: String
        public var deps: [Entry]
        /// Parameter values read, by dotted key.
        public var params: [String: String]
        public var outs: [Entry]
        /// What a built-in step produced that is not a file: `version` for `register`.
        public var result: [String: String]?

        public init(cmd: String, deps: [Entry], params: [String: String], outs: [Entry], result: [String: String]? = nil) {
            self.cmd = cmd
            self.result = result
            self.deps = deps.sorted { $0.path < $1.path }
            self.params = params
            self.outs = outs.sorted { $0.path < $1.path }
            key = Self.key(cmd: cmd, deps: self.deps, params: params)
        }

        /// The run-cache key for a command, its deps and params: equal exactly when all three
        /// are (paths and hashes, not timestamps).
        public static func key(cmd: String, deps: [Entry], params: [String: String]) -> String {
            var text = "keel-stage-v1\ncmd\t\(cmd.utf8.count)\t\(cmd)\n"
            for dep in deps.sorted(by: { $0.path < $1.path }) { text += "dep\t\(dep.path)\t\(dep.sha256)\n" }
            for key in params.keys.sorted() { text += "param\t\(key)\t\(params[key]!.utf8.count)\t\(params[key]!)\n" }
            return ContentHash.hex(SHA256.hash(data: Data(text.utf8)))
        }
    }

    /// The lock format's version.
    public var schema: String
    public var stages: [String: Stage]

    public init(stages: [String: Stage] = [:]) {
        schema = "1"
        self.stages = stages
    }

    /// Reads a `keel.lock`'s text.
    public init(yaml: String, file: String = "keel.lock") throws {
        do {
            self = try YAMLDecoder().decode(PipelineLock.self, from: yaml)
        } catch {
            throw KeelError.invalidParameter("\(file) does not read as a Keel lock file (\(error)); delete it to run every stage again.")
        }
        guard schema == "1" else { throw KeelError.invalidParameter("\(file) has schema '\(schema)'; this Keel reads schema 1.") }
    }

    /// The lock as YAML, keys sorted so that an unchanged pipeline writes identical bytes.
    public func yaml() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        return try encoder.encode(self)
    }
}
