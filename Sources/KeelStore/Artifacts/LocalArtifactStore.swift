import KeelCore
public import NIOCore
import _NIOFileSystem

/// Artifacts as files under one local directory.
///
/// Symbolic links are never followed: every existing segment of a path is checked with
/// `lstat`, so a link planted inside the root (by a user with shell access, or an
/// unpacked archive) cannot lead a read or a write outside it.
public struct LocalArtifactStore: ArtifactStore {
    /// The root directory; every artifact path is relative to it.
    let root: FilePath
    private let fileSystem: FileSystem

    /// Uses (and creates if missing) the directory at `rootPath`.
    public init(rootPath: String) async throws {
        root = FilePath(rootPath)
        fileSystem = .shared
        try await fileSystem.createDirectory(at: root, withIntermediateDirectories: true, permissions: nil)
    }

    public func kind(of path: ArtifactPath) async throws -> ArtifactKind? {
        guard let info = try await checkedInfo(path) else { return nil }
        switch info.type {
        case .directory: return .directory
        case .regular: return .file(size: info.size)
        default: throw Self.notRegular(path)
        }
    }

    public func write<Body: AsyncSequence>(_ path: ArtifactPath, from body: Body) async throws -> Int64
        where Body.Element == ByteBuffer {
        guard !path.isRoot else { throw KeelError.invalidParameter("An artifact path must name a file.") }
        if let existing = try await checkedInfo(path), existing.type != .regular {
            throw KeelError.invalidParameter("Cannot write '\(path)': a directory is already there.")
        }
        let parent = FilePath(root.string + "/" + path.components.dropLast().joined(separator: "/"))
        try await fileSystem.createDirectory(at: parent, withIntermediateDirectories: true, permissions: nil)
        // createDirectory may have met a link planted meanwhile; check the finished chain again.
        _ = try await checkedInfo(path)
        return try await fileSystem.withFileHandle(
            forWritingAt: filePath(path), options: .newFile(replaceExisting: true)
        ) { handle in
            var offset: Int64 = 0
            for try await chunk in body {
                try await handle.write(contentsOf: chunk.readableBytesView, toAbsoluteOffset: offset)
                offset += Int64(chunk.readableBytes)
            }
            // Acknowledged artifacts must survive a crash, like acknowledged metadata.
            try await handle.synchronize()
            return offset
        }
    }

    public func read(_ path: ArtifactPath, into consume: (ByteBuffer) async throws -> Void) async throws {
        guard let info = try await checkedInfo(path) else {
            throw KeelError.notFound("No artifact at '\(path)'.")
        }
        guard info.type == .regular else {
            throw KeelError.invalidParameter("'\(path)' is a directory, not a file.")
        }
        try await fileSystem.withFileHandle(forReadingAt: filePath(path)) { handle in
            for try await chunk in handle.readChunks(chunkLength: .kibibytes(256)) {
                try await consume(chunk)
            }
        }
    }

    public func list(_ path: ArtifactPath) async throws -> [ArtifactEntry]? {
        guard let info = try await checkedInfo(path), info.type == .directory else { return nil }
        let directory = filePath(path)
        let names = try await fileSystem.withDirectoryHandle(atPath: directory) { handle in
            var names: [String] = []
            for try await entry in handle.listContents() {
                names.append(entry.name.string)
            }
            return names
        }
        var entries: [ArtifactEntry] = []
        for name in names.sorted() where !name.hasPrefix(".tmp-") {
            guard let entryInfo = try await fileSystem.info(forFileAt: directory.appending(name), infoAboutSymbolicLink: true) else {
                continue
            }
            switch entryInfo.type {
            case .directory: entries.append(ArtifactEntry(name: name, isDirectory: true, size: nil))
            case .regular: entries.append(ArtifactEntry(name: name, isDirectory: false, size: entryInfo.size))
            default: continue  // links and devices are not artifacts; hide them
            }
        }
        return entries
    }

    public func delete(_ path: ArtifactPath) async throws {
        guard !path.isRoot else { throw KeelError.invalidParameter("Refusing to delete the artifact root.") }
        guard try await checkedInfo(path) != nil else { return }
        try await fileSystem.removeItem(at: filePath(path), strategy: .platformDefault, recursively: true)
    }

    private func filePath(_ path: ArtifactPath) -> FilePath {
        path.isRoot ? root : FilePath(root.string + "/" + path.string)
    }

    /// `lstat` of `path` after checking that no existing segment on the way is a symbolic link.
    private func checkedInfo(_ path: ArtifactPath) async throws -> FileInfo? {
        var current = root
        var info = try await fileSystem.info(forFileAt: root, infoAboutSymbolicLink: false)
        for component in path.components {
            current = current.appending(component)
            info = try await fileSystem.info(forFileAt: current, infoAboutSymbolicLink: true)
            guard let found = info else { return nil }
            if found.type == .symlink {
                throw KeelError.invalidParameter("Invalid path '\(path)': it passes through a symbolic link.")
            }
        }
        return info
    }

    private static func notRegular(_ path: ArtifactPath) -> KeelError {
        .invalidParameter("'\(path)' is neither a file nor a directory.")
    }
}
