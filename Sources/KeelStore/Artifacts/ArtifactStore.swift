public import NIOCore

/// What a listing says about one entry.
public struct ArtifactEntry: Sendable, Hashable {
    /// The entry's name inside the listed directory.
    public var name: String
    /// Whether the entry is a directory.
    public var isDirectory: Bool
    /// The size in bytes, for files.
    public var size: Int64?

    /// Creates an entry.
    public init(name: String, isDirectory: Bool, size: Int64?) {
        self.name = name
        self.isDirectory = isDirectory
        self.size = size
    }
}

/// What is at a path.
public enum ArtifactKind: Sendable, Hashable {
    /// A regular file of this many bytes.
    case file(size: Int64)
    /// A directory.
    case directory
}

/// Where artifact bytes live. The only code that touches the artifact root.
///
/// Every operation streams: a file of any size passes through in bounded chunks.
/// Implementations refuse paths that would leave the root through a symbolic link with
/// ``KeelCore/KeelError/Code/invalidParameterValue``.
public protocol ArtifactStore: Sendable {
    /// What is at `path`, or nil if nothing is.
    func kind(of path: ArtifactPath) async throws -> ArtifactKind?

    /// Stores the bytes of `body` at `path`, creating directories as needed.
    ///
    /// The new content appears all at once when complete (a reader never sees half a file)
    /// and is on disk before this returns. Returns the number of bytes written.
    func write<Body: AsyncSequence>(_ path: ArtifactPath, from body: Body) async throws -> Int64
        where Body.Element == ByteBuffer

    /// Reads the file at `path`, handing its bytes to `consume` chunk by chunk.
    func read(_ path: ArtifactPath, into consume: (ByteBuffer) async throws -> Void) async throws

    /// The entries directly inside the directory at `path`, or nil if it is not a directory.
    func list(_ path: ArtifactPath) async throws -> [ArtifactEntry]?

    /// Removes the file or directory tree at `path`; removing nothing is not an error.
    func delete(_ path: ArtifactPath) async throws
}
