import NIOPosix

/// Runs file-system work (hashing, copying, reading a dataset) on NIO's blocking thread pool,
/// so the shared executor stays free for other stages' progress and for the network.
func blocking<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await NIOThreadPool.singleton.runIfActive(work)
}
