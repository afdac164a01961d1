import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import SQLKit

/// A statement as SQLite runs it: SQL text with `?` placeholders, and the values to bind.
struct SQLiteStatementText: Sendable {
    let sql: String
    let binds: [SQLiteData]

    init(sql: String, binds: [SQLiteData]) {
        self.sql = sql
        self.binds = binds
    }

    /// Serializes `query` with SQLite's dialect and encodes its bound values.
    init(_ query: any SQLExpression) throws {
        var serializer = SQLSerializer(database: SQLiteSerializingDatabase())
        query.serialize(to: &serializer)
        sql = serializer.sql
        binds = try serializer.binds.map(Self.value)
    }

    /// The SQLite value of a bound Swift value: the common types directly, the rest (optionals,
    /// dates, JSON-encoded values) through SQLiteKit's encoder, exactly as sqlite-kit binds them.
    static func value(_ bound: any Encodable & Sendable) throws -> SQLiteData {
        switch bound {
        case let text as String: .text(text)
        case let number as Int64: .integer(SQLiteInt64(number))
        case let number as Int: .integer(SQLiteInt64(number))
        case let number as Double: .float(number)
        case let flag as Bool: .integer(flag ? 1 : 0)
        default: try sharedEncoder.encode(bound)
        }
    }
}

/// SQLiteKit's value encoder, made once: each holds a JSON encoder that is costly to create.
private let sharedEncoder = SQLiteDataEncoder()

/// Stands in for a database while a statement is serialized ahead of its transaction: SQLKit's
/// serializer asks a database for its dialect, and this one can answer nothing else.
private struct SQLiteSerializingDatabase: SQLDatabase {
    var logger: Logger { Logger(label: "keel.sqlite.serializer") }
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var version: (any SQLDatabaseReportedVersion)? { SQLiteLibraryVersion(intValue: SQLiteHandle.libraryVersion) }
    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(SQLiteFailure(code: 21, message: "a statement being prepared cannot run"))
    }
}
