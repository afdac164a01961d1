public import SQLKit

/// The relational store that holds Keel's metadata: SQLite on one machine, PostgreSQL at scale.
///
/// Parts never open connections themselves; they hand a closure to ``read(_:)`` or
/// ``write(_:)`` and build queries with SQLKit against the `SQLDatabase` they receive.
/// Both backends run the same queries; what differs is described by ``dialect``.
public protocol MetadataStore: Sendable {
    /// Which database sits behind the store, with its SQL differences as data.
    var dialect: StoreDialect { get }

    /// Runs `body` on a consistent read-only snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one transaction; when this returns, the transaction is durably committed.
    ///
    /// If `body` throws, nothing it wrote is kept and the error is rethrown. `body` may run more
    /// than once (SQLite's group commit runs a batch again when one of its writes fails), so it
    /// must touch nothing but the database it is given.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Brings the schema up to date by running every migration not applied yet, in order.
    func migrate() async throws

    /// Closes every connection. The store must not be used afterwards.
    func close() async throws
}
