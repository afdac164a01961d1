public import SQLKit
import Synchronization

/// A statement serialized to SQL text and bound values before the transaction that runs it.
///
/// SQLite has one writer, and every microsecond a write holds it delays every write queued
/// behind it. Serializing a statement with SQLKit and encoding its values costs about as much
/// as SQLite running it (measured: an eighth of the server's CPU under ingest, all of it on the
/// writer). A hot write therefore prepares its statements first, outside
/// ``MetadataStore/write(_:)``, and the writer only runs them. On PostgreSQL, with a connection
/// per transaction, nothing is gained by it, and the statement is serialized as usual.
public struct PreparedStatement: SQLExpression {
    /// The statement as written, for databases that serialize it themselves.
    let query: any SQLExpression
    /// SQLite's text and values, made ahead of time; nil on other databases.
    let sqlite: SQLiteStatementText?

    init(query: any SQLExpression, sqlite: SQLiteStatementText?) {
        self.query = query
        self.sqlite = sqlite
    }

    /// A statement serialized only when it runs, like any other: for code that takes a
    /// ``PreparedStatement`` from hot callers and a plain query from the rest.
    public init(deferred query: SQLQueryString) {
        self.init(query: query, sqlite: nil)
    }

    public func serialize(to serializer: inout SQLSerializer) {
        query.serialize(to: &serializer)
    }
}

extension StoreDialect {
    /// Serializes `query` for this database now, so that running it later inside a transaction
    /// is only running it. Throws when a bound value cannot be encoded.
    public func prepare(_ query: SQLQueryString) throws -> PreparedStatement {
        switch engine {
        case .sqlite: PreparedStatement(query: query, sqlite: try SQLiteStatementText(query))
        case .postgres: PreparedStatement(query: query, sqlite: nil)
        }
    }
}

extension SQLDatabase {
    /// Runs a prepared statement, ignoring any rows it returns.
    public func run(_ statement: PreparedStatement) async throws {
        try await execute(sql: statement) { _ in }
    }

    /// Runs a prepared statement and returns its rows as values in `SELECT` order, read as `types`.
    public func rows(_ statement: PreparedStatement, _ types: [StoreColumnType]) async throws -> [[StoreValue]] {
        if let fast = self as? any PositionalRowReading {
            return try await fast.positionalRows(statement, types)
        }
        let collected = RowCollector()
        try await execute(sql: statement) { row in collected.rows.withLock { $0.append(row) } }
        return try collected.rows.withLock { $0 }.map { row in try StoreValue.read(row, types) }
    }
}

/// Rows handed over one at a time by a database's row callback.
private final class RowCollector: Sendable {
    let rows = Mutex<[any SQLRow]>([])
}
