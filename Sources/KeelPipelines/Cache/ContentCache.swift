public import Foundation
import KeelCore

/// The content-addressed cache under `.keel/cache`: every output a stage produced, stored once
/// by its SHA-256 (`objects/ab/cdef…`), and the run cache (`runs/ab/cdef….json`) that maps a
/// stage's run-cache key to the outputs it produced, as DVC's run cache does.
///
/// A stage whose key is in the run cache is not run again: its outputs are copied back from the
/// objects. Objects are written to a temporary name and renamed, so a crash never leaves a
/// half-written object under a hash; they are read-only, so an edit through a restored copy
/// cannot reach them (restores copy, they never link).
///
/// Everything here blocks on the file system: call it off the shared executor.
public struct ContentCache: Sendable {
    /// The cache directory (`.keel/cache` in the pipeline's directory).
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// Hashes the output at `path` (relative to `workspace`) and copies what it holds into the
    /// cache. `cached` is false when the output is or holds a symbolic link, which the cache
    /// does not store (the lock still records its hash; the stage then runs again next time).
    public func save(_ path: String, in workspace: URL) throws -> (entry: PipelineLock.Entry, cached: Bool) {
        let url = workspace.appendingPathComponent(path)
        switch ContentHash.kind(url.path) {
        case .typeRegular?:
            let hash = try ContentHash.file(url.path)
            try storeObject(from: url, sha256: hash.sha256)
            return (PipelineLock.Entry(path: path, hash: hash), true)
        case .typeDirectory?:
            let manifest = try ContentHash.manifest(url)
            let hash = try ContentHash.of(url)
            let hasLink = manifest.contains { ContentHash.kind(url.appendingPathComponent($0.path).path) != .typeRegular }
            if hasLink { return (PipelineLock.Entry(path: path, hash: hash), false) }
            for file in manifest {
                try storeObject(from: url.appendingPathComponent(file.path), sha256: file.hash.sha256)
            }
            try storeManifest(manifest, sha256: hash.sha256)
            return (PipelineLock.Entry(path: path, hash: hash), true)
        case .typeSymbolicLink?:
            return (PipelineLock.Entry(path: path, hash: ContentHash.link(url.path)), false)
        case nil:
            throw KeelError.invalidParameter("'\(path)' was not produced.")
        default:
            throw KeelError.invalidParameter("'\(path)' is neither a file nor a directory.")
        }
    }

    /// Whether every object `entry` needs is in the cache.
    public func contains(_ entry: PipelineLock.Entry) -> Bool {
        guard entry.files != nil else { return FileManager.default.fileExists(atPath: objectURL(entry.sha256).path) }
        guard let manifest = try? readManifest(entry.sha256) else { return false }
        return manifest.allSatisfy { FileManager.default.fileExists(atPath: objectURL($0.sha256).path) }
    }

    /// Replaces whatever is at `entry.path` in `workspace` with the cached content.
    public func restore(_ entry: PipelineLock.Entry, in workspace: URL) throws {
        let target = workspace.appendingPathComponent(entry.path)
        try removeItem(target)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard entry.files != nil else {
            try copyObject(entry.sha256, to: target)
            return
        }
        let manifest = try readManifest(entry.sha256)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).keel-restore")
        try removeItem(staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for file in manifest {
            let destination = staging.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try copyObject(file.sha256, to: destination)
        }
        try FileManager.default.moveItem(at: staging, to: target)
    }

    /// The outputs a stage with run-cache `key` produced, when the cache holds all of them.
    public func lookUpRun(_ key: String) -> [PipelineLock.Entry]? {
        guard let data = FileManager.default.contents(atPath: runURL(key).path),
              let outs = try? JSONDecoder().decode([PipelineLock.Entry].self, from: data),
              outs.allSatisfy(contains) else { return nil }
        return outs
    }

    /// Records that the stage with run-cache `key` produced `outs` (all already saved).
    public func recordRun(_ key: String, outs: [PipelineLock.Entry]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writeAtomically(try encoder.encode(outs), to: runURL(key))
    }

    // MARK: - Objects

    func objectURL(_ sha256: String) -> URL {
        root.appendingPathComponent("objects").appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(String(sha256.dropFirst(2)))
    }

    private func runURL(_ key: String) -> URL {
        root.appendingPathComponent("runs").appendingPathComponent(String(key.prefix(2))).appendingPathComponent(String(key.dropFirst(2)) + ".json")
    }

    private func storeObject(from source: URL, sha256: String) throws {
        let object = objectURL(sha256)
        guard !FileManager.default.fileExists(atPath: object.path) else { return }
        let temporary = try temporaryURL(beside: object)
        try FileManager.default.copyItem(at: source, to: temporary)
        try finish(temporary, as: object)
    }

    private func storeManifest(_ manifest: [(path: String, hash: ContentHash)], sha256: String) throws {
        let object = objectURL(sha256)
        guard !FileManager.default.fileExists(atPath: object.path) else { return }
        var text = ""
        for entry in manifest { text += "\(entry.path)\t\(entry.hash.size)\t\(entry.hash.sha256)\n" }
        let temporary = try temporaryURL(beside: object)
        try Data(text.utf8).write(to: temporary)
        try finish(temporary, as: object)
    }

    private func readManifest(_ sha256: String) throws -> [(path: String, sha256: String)] {
        let text = try String(contentsOf: objectURL(sha256), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, !fields[0].hasPrefix("/"),
                  !fields[0].split(separator: "/").contains("..") else {
                throw KeelError.invalidParameter("The cache's manifest \(sha256) is damaged; delete .keel/cache to rebuild it.")
            }
            return (String(fields[0]), String(fields[2]))
        }
    }

    private func copyObject(_ sha256: String, to destination: URL) throws {
        try FileManager.default.copyItem(at: objectURL(sha256), to: destination)
        // Objects are read-only; the restored copy is the user's to edit.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: destination.path)
    }

    private func temporaryURL(beside url: URL) throws -> URL {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url.deletingLastPathComponent().appendingPathComponent(".tmp-\(UUID().uuidString)")
    }

    private func finish(_ temporary: URL, as object: URL) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: temporary.path)
        if rename(temporary.path, object.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw KeelError.invalidParameter("Cannot write to the cache at \(root.path): \(String(cString: strerror(errno))).")
        }
    }

    private func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = try temporaryURL(beside: url)
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw KeelError.invalidParameter("Cannot write to the cache at \(root.path): \(String(cString: strerror(errno))).")
        }
    }

    private func removeItem(_ url: URL) throws {
        if ContentHash.kind(url.path) != nil { try FileManager.default.removeItem(at: url) }
    }
}
