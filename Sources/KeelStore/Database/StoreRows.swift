public import SQLKit
import SQLiteKit

/// The type a column is read as by ``SQLDatabase/rows(_:_:)``.
public enum StoreColumnType: Sendable {
    case text
    case int64
    case double
}

/// One value read positionally from a row.
public enum StoreValue: Sendable, Hashable {
    case null
    case int64(Int64)
    case double(Double)
    case text(String)

    /// The text, or nil for NULL (and for non-text values).
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The integer, or nil for NULL.
    public var int64: Int64? {
        switch self {
        case .int64(let value): value
        case .double(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The number, or nil for NULL.
    public var double: Double? {
        switch self {
        case .double(let value): value
        case .int64(let value): Double(value)
        default: nil
        }
    }
}

/// A database that can hand back rows by column position, skipping per-column name lookups
/// and `Codable` decoding. The SQLite store's sessions conform; others use the generic path.
protocol PositionalRowReading: Sendable {
    func positionalRows(_ query: any SQLExpression, _ types: [StoreColumnType]) async throws -> [[StoreValue]]
}

extension SQLDatabase {
    /// Runs `query` and returns its rows as values in `SELECT` order, read as `types`.
    ///
    /// For hot paths that read thousands of rows (metric histories, search pages): on SQLite
    /// the values come straight from the driver; elsewhere they are decoded column by column.
    public func rows(_ query: SQLQueryString, _ types: [StoreColumnType]) async throws -> [[StoreValue]] {
        if let fast = self as? any PositionalRowReading {
            return try await fast.positionalRows(query, types)
        }
        return try await raw(query).all().map { row in
            let names = row.allColumns
            return try types.indices.map { index -> StoreValue in
                let column = names[index]
                if try row.decodeNil(column: column) { return .null }
                switch types[index] {
                case .text: return .text(try row.decode(column: column, as: String.self))
                case .int64: return .int64(try row.decode(column: column, as: Int64.self))
                case .double: return .double(try row.decode(column: column, as: Double.self))
                }
            }
        }
    }
}

/// An SQLite connection's `SQLDatabase`, plus positional reads straight from the driver.
struct SQLiteSessionDatabase: SQLDatabase, PositionalRowReading {
    let base: any SQLDatabase
    let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) {
        self.connection = connection
        self.base = connection.sql()
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    func positionalRows(_ query: any SQLExpression, _ types: [StoreColumnType]) async throws -> [[StoreValue]] {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        let data = try binds.map { try encoder.encode($0) }
        return try await connection.query(sql, data).map { row in
            let columns = row.columns
            return types.indices.map { index in
                switch columns[index].data {
                case .null, .blob: .null
                case .integer(let value): types[index] == .double ? .double(Double(value)) : .int64(Int64(value))
                case .float(let value): .double(value)
                case .text(let value): .text(value)
                }
            }
        }
    }
}
