import Crypto
public import Foundation
import KeelCore

/// The content hash of a file or directory, as `keel.lock` records it.
///
/// A file's hash is the SHA-256 of its bytes. A directory's is the SHA-256 of its manifest: one
/// line per file below it, in byte order of the relative path (`path\tsize\tsha256`), as DVC's
/// `.dir` entries do. Renaming, adding, removing or editing any file changes it; timestamps
/// and permissions do not. Symbolic links are hashed by their target's text and never
/// followed, so a link cannot pull files from outside the pipeline into a hash (or the cache).
public struct ContentHash: Sendable, Equatable, Codable {
    /// Hex SHA-256.
    public var sha256: String
    /// Bytes in the file, or in all files of the directory.
    public var size: Int64
    /// Files in the directory; nil for a file.
    public var files: Int?

    public init(sha256: String, size: Int64, files: Int?) {
        self.sha256 = sha256
        self.size = size
        self.files = files
    }

    /// Hashes what is at `url` (blocks while it reads: call it off the shared executor).
    public static func of(_ url: URL) throws -> ContentHash {
        let path = url.path
        switch kind(path) {
        case .typeDirectory?: return try directory(url)
        case .typeSymbolicLink?: return link(path)
        case .typeRegular?: return try file(path)
        case nil: throw KeelError.invalidParameter("'\(url.lastPathComponent)' does not exist.")
        default: throw KeelError.invalidParameter("'\(url.lastPathComponent)' is neither a file nor a directory.")
        }
    }

    /// What is at `path`, without following a symbolic link; nil when nothing is.
    static func kind(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    /// Streams a regular file through SHA-256 in 1 MiB reads.
    static func file(_ path: String) throws -> ContentHash {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw KeelError.invalidParameter("Cannot read '\(path)': \(String(cString: strerror(errno))).") }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            guard got >= 0 else { throw KeelError.invalidParameter("Cannot read '\(path)': \(String(cString: strerror(errno))).") }
            if got == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            size += Int64(got)
        }
        return ContentHash(sha256: hex(hasher.finalize()), size: size, files: nil)
    }

    static func link(_ path: String) -> ContentHash {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? ""
        return ContentHash(sha256: hex(SHA256.hash(data: Data("symlink:\(target)".utf8))), size: 0, files: nil)
    }

    static func directory(_ url: URL) throws -> ContentHash {
        let entries = try manifest(url)
        var text = ""
        for entry in entries { text += "\(entry.path)\t\(entry.hash.size)\t\(entry.hash.sha256)\n" }
        return ContentHash(
            sha256: hex(SHA256.hash(data: Data(text.utf8))), size: entries.reduce(0) { $0 + $1.hash.size }, files: entries.count
        )
    }

    /// Every file below `url` with its hash, sorted by relative path (bytes, not locale).
    public static func manifest(_ url: URL) throws -> [(path: String, hash: ContentHash)] {
        var entries: [(path: String, hash: ContentHash)] = []
        func walk(_ directory: URL, _ prefix: String) throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            for name in names {
                let child = directory.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : "\(prefix)/\(name)"
                switch kind(child.path) {
                case .typeDirectory?: try walk(child, relative)
                case .typeSymbolicLink?: entries.append((relative, link(child.path)))
                case .typeRegular?: entries.append((relative, try file(child.path)))
                default: continue
                }
            }
        }
        try walk(url, "")
        return entries.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    static func hex<Digest: Sequence>(_ digest: Digest) -> String where Digest.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
