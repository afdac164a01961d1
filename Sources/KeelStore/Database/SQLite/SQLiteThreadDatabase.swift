import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import SQLKit

/// An `SQLDatabase` over one ``SQLiteHandle`` that runs statements on the handle's own thread.
///
/// The store runs each transaction in a task that prefers that thread, so a statement is a
/// direct call with no hop at all. A statement reached from elsewhere (a body that wandered to
/// an actor, say) still goes to the thread first: blocking C calls never run on the shared pool.
struct SQLiteThreadDatabase: SQLDatabase, PositionalRowReading {
    let handle: SQLiteHandle
    let thread: DatabaseThread
    let logger: Logger

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var version: (any SQLDatabaseReportedVersion)? { SQLiteLibraryVersion(intValue: SQLiteHandle.libraryVersion) }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let (sql, binds) = try encoded(query)
        try await onThread {
            var columns: SQLiteColumnNames?
            try handle.run(sql, binds) { row in
                let names = columns ?? SQLiteColumnNames(row)
                columns = names
                onRow(SQLiteThreadRow(columns: names, values: (0..<names.count).map(row.data(at:))))
            }
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    func positionalRows(_ query: any SQLExpression, _ types: [StoreColumnType]) async throws -> [[StoreValue]] {
        let (sql, binds) = try encoded(query)
        return try await onThread {
            var rows: [[StoreValue]] = []
            try handle.run(sql, binds) { row in
                rows.append(types.indices.map { row.storeValue(at: $0, as: types[$0]) })
            }
            return rows
        }
    }

    /// The statement's SQLite text and values: made ahead of time for a ``PreparedStatement``.
    private func encoded(_ query: any SQLExpression) throws -> (String, [SQLiteData]) {
        let text = try (query as? PreparedStatement)?.sqlite ?? SQLiteStatementText(query)
        return (text.sql, text.binds)
    }

    /// Runs `work` on the handle's thread: directly when already there, else by moving there first.
    private func onThread<T: Sendable>(_ work: @Sendable () throws -> T) async throws -> T {
        if thread.isCurrent {
            return try work()
        }
        return try await withTaskExecutorPreference(thread) {
            try await DatabaseThread.run(work)
        }
    }
}

/// SQLiteKit's value decoder, made once: each holds a JSON decoder that is costly to create.
private let sharedDecoder = SQLiteDataDecoder()

extension DatabaseThread {
    /// A nonisolated hop target: calling it under a task executor preference lands on that executor.
    fileprivate static func run<T: Sendable>(_ work: @Sendable () throws -> T) async throws -> T {
        try work()
    }
}

/// A result set's column names, read once per statement and shared by its rows.
final class SQLiteColumnNames: Sendable {
    let names: [String]
    private let positions: [String: Int]

    init(_ row: SQLiteResultRow) {
        let names = (0..<row.columnCount).map(row.name(at:))
        self.names = names
        var positions: [String: Int] = [:]
        // The first column of a name wins, as in sqlite-nio's rows.
        for (index, name) in names.enumerated() where positions[name] == nil {
            positions[name] = index
        }
        self.positions = positions
    }

    var count: Int { names.count }

    func position(of name: String) -> Int? { positions[name] }
}

/// One result row, copied out of SQLite so it outlives the statement step.
struct SQLiteThreadRow: SQLRow {
    let columns: SQLiteColumnNames
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool {
        columns.position(of: column) != nil
    }

    func decodeNil(column: String) throws -> Bool {
        guard let position = columns.position(of: column) else { return true }
        return values[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.position(of: column) else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(stringValue: column),
                .init(codingPath: [], debugDescription: "The result has no column \"\(column)\".")
            )
        }
        return try sharedDecoder.decode(D.self, from: values[position])
    }
}

/// A column name as a coding key, for decoding errors.
private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The linked SQLite library's version, for SQLKit's version checks.
struct SQLiteLibraryVersion: SQLDatabaseReportedVersion {
    let intValue: Int

    var stringValue: String { "\(majorVersion).\(minorVersion).\(patchVersion)" }
    var majorVersion: Int { intValue / 1_000_000 }
    var minorVersion: Int { intValue % 1_000_000 / 1_000 }
    var patchVersion: Int { intValue % 1_000 }

    func isEqual(to otherVersion: any SQLDatabaseReportedVersion) -> Bool {
        (otherVersion as? Self)?.intValue == intValue
    }

    func isOlder(than otherVersion: any SQLDatabaseReportedVersion) -> Bool {
        guard let other = otherVersion as? Self else { return false }
        return intValue < other.intValue
    }
}
