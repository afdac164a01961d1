import NIOCore
import SQLiteNIO
import VaporCSQLite

/// One SQLite connection driven by direct, blocking C calls, with its prepared statements cached.
///
/// Not thread-safe by itself: a handle belongs to one ``DatabaseThread`` and is used by one task
/// at a time (the store's group-commit writer, or the read that borrowed it), so its calls never
/// overlap. The SQLite library is the one sqlite-nio vendors, so Keel links a single SQLite.
final class SQLiteHandle: @unchecked Sendable {
    /// Statements kept prepared; past this, the cache starts over. Keel's queries are few and
    /// fixed, but `IN (…)` lists vary in length, and a cache must not grow with them.
    private static let statementCacheLimit = 256

    private var connection: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    private init(connection: OpaquePointer?) {
        self.connection = connection
    }

    /// Opens (creating if needed) the database file at `path`.
    static func open(path: String) throws -> SQLiteHandle {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK else {
            let message = connection.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite_nio_sqlite3_close_v2(connection)
            throw SQLiteFailure(code: status, message: message ?? "cannot open the database at \(path)")
        }
        return SQLiteHandle(connection: connection)
    }

    /// The SQLite library's version, as `3053000` for 3.53.0.
    static var libraryVersion: Int { Int(sqlite_nio_sqlite3_libversion_number()) }

    /// Runs one statement with `binds` and hands each result row to `onRow` as it is stepped.
    ///
    /// The statement is reset before this returns, so no read lock outlives the call.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteResultRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        try bind(binds, to: statement)
        let row = SQLiteResultRow(statement: statement)
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            switch status {
            case SQLITE_ROW:
                try onRow(row)
            case SQLITE_DONE:
                return
            default:
                throw failure(status)
            }
        }
    }

    /// Finalizes every statement and closes the connection.
    func close() {
        for statement in statements.values {
            sqlite_nio_sqlite3_finalize(statement)
        }
        statements = [:]
        sqlite_nio_sqlite3_close_v2(connection)
        connection = nil
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.statementCacheLimit {
            for statement in statements.values {
                sqlite_nio_sqlite3_finalize(statement)
            }
            statements.removeAll(keepingCapacity: true)
        }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let status = sql.withCString { text in
            let status = sqlite_nio_sqlite3_prepare_v3(
                connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail
            )
            if status == SQLITE_OK, let tail, Self.hasMoreSQL(tail) {
                return SQLITE_MISUSE
            }
            return status
        }
        guard status == SQLITE_OK, let statement else {
            let error = status == SQLITE_MISUSE && statement != nil
                ? SQLiteFailure(code: status, message: "only one SQL statement may run per call: \(sql)")
                : failure(status)
            sqlite_nio_sqlite3_finalize(statement)
            throw error
        }
        statements[sql] = statement
        return statement
    }

    /// Whether anything but whitespace and semicolons follows the first statement.
    private static func hasMoreSQL(_ tail: UnsafePointer<CChar>) -> Bool {
        var cursor = tail
        while cursor.pointee != 0 {
            switch UInt8(bitPattern: cursor.pointee) {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
                cursor += 1
            default:
                return true
            }
        }
        return false
    }

    private func bind(_ binds: [SQLiteData], to statement: OpaquePointer) throws {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number):
                status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number):
                status = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(
                    statement, index, text, UInt64(text.utf8.count), transientDestructor, UInt8(SQLITE_UTF8)
                )
            case .blob(let bytes):
                status = bytes.withUnsafeReadableBytes { raw in
                    // A NULL pointer would bind SQL NULL; an empty blob is a zero-length blob.
                    raw.isEmpty
                        ? sqlite_nio_sqlite3_bind_zeroblob(statement, index, 0)
                        : sqlite_nio_sqlite3_bind_blob64(statement, index, raw.baseAddress, UInt64(raw.count), transientDestructor)
                }
            case .null:
                status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
    }

    private func failure(_ status: Int32) -> SQLiteFailure {
        let message = sqlite_nio_sqlite3_errmsg(connection).map { String(cString: $0) } ?? "unknown error"
        return SQLiteFailure(code: status, message: message)
    }
}

/// Tells SQLite to copy bound text and blobs, since Swift's buffers do not outlive the call.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The row a statement is positioned on; valid only inside the `onRow` callback that received it.
struct SQLiteResultRow {
    fileprivate let statement: OpaquePointer

    var columnCount: Int { Int(sqlite_nio_sqlite3_column_count(statement)) }

    /// The result column's name, as the query spelled it or its `AS` alias.
    func name(at column: Int) -> String {
        sqlite_nio_sqlite3_column_name(statement, Int32(column)).map { String(cString: $0) } ?? ""
    }

    /// The column's value as sqlite-nio's `SQLiteData`, which SQLiteKit's decoder reads.
    func data(at column: Int) -> SQLiteData {
        let index = Int32(column)
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(.init(sqlite_nio_sqlite3_column_int64(statement, index)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            return .text(text(at: index))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, index) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }

    /// The column's value for a positional read.
    func storeValue(at column: Int, as type: StoreColumnType) -> StoreValue {
        let index = Int32(column)
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            let value = sqlite_nio_sqlite3_column_int64(statement, index)
            return type == .double ? .double(Double(value)) : .int64(value)
        case SQLITE_FLOAT:
            return .double(sqlite_nio_sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            return .text(text(at: index))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, index) else { return .bytes([]) }
            return .bytes(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func text(at index: Int32) -> String {
        // By byte count, not up to the first NUL: a stored value comes back whole.
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
        guard let bytes = sqlite_nio_sqlite3_column_text(statement, index) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
