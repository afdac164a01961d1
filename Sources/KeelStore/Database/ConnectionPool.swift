import Synchronization

/// A fixed set of connections lent out one request at a time.
///
/// SQLite read connections are cheap but not shareable mid-transaction, so each read
/// borrows one for its whole snapshot and gives it back.
final class ConnectionPool<Connection: Sendable>: Sendable {
    private let free: Mutex<[Connection]>
    private let semaphore: AsyncSemaphore
    /// Every connection, for closing at shutdown.
    let all: [Connection]

    init(_ connections: [Connection]) {
        precondition(!connections.isEmpty, "a pool needs at least one connection")
        all = connections
        free = Mutex(connections)
        semaphore = AsyncSemaphore(value: connections.count)
    }

    /// Lends a connection to `body` and takes it back afterwards, even when `body` throws.
    func withConnection<T>(_ body: (Connection) async throws -> T) async throws -> T {
        await semaphore.wait()
        // The semaphore guarantees a free connection exists.
        let connection = free.withLock { $0.removeLast() }
        defer {
            free.withLock { $0.append(connection) }
            semaphore.signal()
        }
        return try await body(connection)
    }
}
