public import SQLKit
import Foundation

/// The type a column is read as by ``SQLDatabase/rows(_:_:)``.
public enum StoreColumnType: Sendable {
    case text
    case int64
    case double
    /// A blob (`BLOB`, `BYTEA`).
    case bytes
}

/// One value read positionally from a row.
public enum StoreValue: Sendable, Hashable {
    case null
    case int64(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])

    /// The text, or nil for NULL (and for non-text values).
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The blob's bytes, or nil for NULL (and for non-blob values).
    public var bytes: [UInt8]? {
        if case .bytes(let value) = self { return value }
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
        return try await raw(query).all().map { row in try StoreValue.read(row, types) }
    }
}

extension StoreValue {
    /// A row's values in column order, read as `types`, through the database's own decoding.
    static func read(_ row: any SQLRow, _ types: [StoreColumnType]) throws -> [StoreValue] {
        let names = row.allColumns
        return try types.indices.map { index -> StoreValue in
            let column = names[index]
            if try row.decodeNil(column: column) { return .null }
            switch types[index] {
            case .text: return .text(try row.decode(column: column, as: String.self))
            case .int64: return .int64(try row.decode(column: column, as: Int64.self))
            case .double: return .double(try row.decode(column: column, as: Double.self))
            case .bytes: return .bytes(Array(try row.decode(column: column, as: Data.self)))
            }
        }
    }
}
