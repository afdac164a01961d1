/// Failures opening or configuring a store, reported to whoever started Keel.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// The `--db` value is not a database URL Keel understands.
    case invalidDatabaseURL(String)
    /// The database holds migrations newer than this binary knows: it was written by a newer Keel.
    case schemaTooNew(applied: Int, known: Int)

    public var description: String {
        switch self {
        case .invalidDatabaseURL(let url):
            "Invalid database URL '\(url)': expected postgres://user:password@host:port/database (or a path to an SQLite file)."
        case .schemaTooNew(let applied, let known):
            "The database schema is at version \(applied) but this keel knows only up to \(known): upgrade keel."
        }
    }
}
