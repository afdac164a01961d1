import VaporCSQLite

/// An error SQLite returned, with its extended result code and its own message.
struct SQLiteFailure: Error, CustomStringConvertible {
    /// The extended result code, e.g. `SQLITE_CONSTRAINT_UNIQUE`.
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }

    /// A unique or primary-key constraint refused the write.
    var isUniqueViolation: Bool {
        // SQLite's header spells these as macro expressions, which Swift does not import.
        code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8)
    }

    /// Another connection held a lock longer than the busy timeout.
    var isBusy: Bool {
        let primary = code & 0xff
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED
    }
}
