public import SQLKit
import Foundation
import NIOCore
import SQLiteNIO
import Synchronization

/// Builds a statement's text and values directly, for the hottest writes.
///
/// SQLKit's interpolated queries box every value as `any Encodable`, nest a fragment per piece
/// and serialize through existentials; under ingest that was a tenth of Keel's CPU, on a
/// machine already busy. This builder appends text to a string and values to a typed array.
/// On SQLite the result needs no serializing at all; on PostgreSQL it serializes like any other
/// SQLKit expression, with each value bound under its own Swift type.
public struct StatementBuilder: Sendable {
    private let engine: StoreDialect.Engine
    /// SQLite: the whole text, `?` placeholders.
    private var sql = ""
    private var sqliteValues: [SQLiteData] = []
    /// PostgreSQL: the text between placeholders, and the values in order.
    private var pieces: [String] = [""]
    private var values: [any Encodable & Sendable] = []

    /// Starts a statement for `dialect`, with `sql` as its first text.
    public init(_ dialect: StoreDialect, _ sql: String = "") {
        engine = dialect.engine
        append(sql)
    }

    /// Appends SQL text: never a value from a user, which goes through a `bind`.
    public mutating func append(_ text: String) {
        switch engine {
        case .sqlite: sql += text
        case .postgres: pieces[pieces.count - 1] += text
        }
    }

    /// Appends a placeholder bound to `text`.
    public mutating func bind(_ text: String) {
        bind(.text(text), text)
    }

    /// Appends a placeholder bound to `text`, or to NULL.
    public mutating func bind(_ text: String?) {
        bind(text.map(SQLiteData.text) ?? .null, text)
    }

    /// Appends a placeholder bound to `number`.
    public mutating func bind(_ number: Int64) {
        bind(.integer(SQLiteInt64(number)), number)
    }

    /// Appends a placeholder bound to `number`, or to NULL.
    public mutating func bind(_ number: Int64?) {
        bind(number.map { .integer(SQLiteInt64($0)) } ?? .null, number)
    }

    /// Appends a placeholder bound to `number`, or to NULL. SQLite stores NaN as NULL.
    public mutating func bind(_ number: Double?) {
        bind(number.map(SQLiteData.float) ?? .null, number)
    }

    /// Appends a placeholder bound to `bytes` as a blob (`BLOB` on SQLite, `BYTEA` on PostgreSQL).
    public mutating func bind(_ bytes: [UInt8]) {
        bind(.blob(ByteBuffer(bytes: bytes)), Data(bytes))
    }

    private mutating func bind(_ sqliteValue: SQLiteData, _ value: any Encodable & Sendable) {
        switch engine {
        case .sqlite:
            sql += "?"
            sqliteValues.append(sqliteValue)
        case .postgres:
            values.append(value)
            pieces.append("")
        }
    }

    /// The statement, ready to run in a transaction.
    public func build() -> PreparedStatement {
        switch engine {
        case .sqlite:
            PreparedStatement(query: SQLRaw(sql), sqlite: SQLiteStatementText(sql: sql, binds: sqliteValues))
        case .postgres:
            PreparedStatement(query: BuiltStatement(pieces: pieces, values: values), sqlite: nil)
        }
    }
}

/// A built statement for databases that serialize: its text with each value bound in between.
private struct BuiltStatement: SQLExpression {
    let pieces: [String]
    let values: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        for (index, piece) in pieces.enumerated() {
            serializer.write(piece)
            if index < values.count {
                serializer.write(bind: values[index])
            }
        }
    }
}

extension StoreDialect {
    /// The dialect of the database a transaction was given.
    public init(of database: any SQLDatabase) {
        self = database.dialect.name == "postgresql" ? .postgres : .sqlite
    }
}

/// A value to bind in a ``StatementBuilder`` tuple, its Swift type kept so that a NULL is bound
/// as a NULL of that type (PostgreSQL checks it against the column).
public enum StatementValue: Sendable {
    case text(String?)
    case int64(Int64?)
    case double(Double?)
    /// A blob, never NULL.
    case bytes([UInt8])
}

extension StatementBuilder {
    /// Binds a value of whichever kind it holds.
    public mutating func bind(_ value: StatementValue) {
        switch value {
        case .text(let text): bind(text)
        case .int64(let number): bind(number)
        case .double(let number): bind(number)
        case .bytes(let bytes): bind(bytes)
        }
    }

    /// Appends `(?, ?, …)` with each value bound: a row of `VALUES`, or an `IN` list.
    public mutating func appendTuple(_ values: [StatementValue]) {
        guard engine == .sqlite else {
            append("(")
            for (index, value) in values.enumerated() {
                if index > 0 { append(", ") }
                bind(value)
            }
            append(")")
            return
        }
        // A log-batch appends a thousand of these: the placeholders go in as one piece of text.
        sql += values.count < Self.placeholderTuples.count
            ? Self.placeholderTuples[values.count]
            : "(" + Array(repeating: "?", count: values.count).joined(separator: ", ") + ")"
        for value in values {
            switch value {
            case .text(let text): sqliteValues.append(text.map(SQLiteData.text) ?? .null)
            case .int64(let number): sqliteValues.append(number.map { .integer(SQLiteInt64($0)) } ?? .null)
            case .double(let number): sqliteValues.append(number.map(SQLiteData.float) ?? .null)
            case .bytes(let bytes): sqliteValues.append(.blob(ByteBuffer(bytes: bytes)))
            }
        }
    }

    /// Makes room for `binds` more values and `characters` more characters of text, for a
    /// statement whose size is known before it is built.
    public mutating func reserveCapacity(binds: Int, characters: Int) {
        guard engine == .sqlite else { return }
        sqliteValues.reserveCapacity(sqliteValues.count + binds)
        sql.reserveCapacity(sql.utf8.count + characters)
    }

    /// `()`, `(?)`, `(?, ?)`, … for the tuple sizes Keel's statements use.
    private static let placeholderTuples: [String] = (0...16).map {
        "(" + Array(repeating: "?", count: $0).joined(separator: ", ") + ")"
    }
}
