public import Logging

/// Where metadata lives, as chosen on the command line.
public enum StoreConfiguration: Sendable, Equatable {
    /// An SQLite file at this path (the embedded default).
    case sqlite(path: String)
    /// A PostgreSQL database named by a `postgres://` URL.
    case postgres(url: String)

    /// Reads a `--db` value: `postgres://…`/`postgresql://…`, `sqlite:///path`, or a bare file path.
    public init(parsing value: String) {
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            self = .postgres(url: value)
        } else if value.hasPrefix("sqlite://") {
            self = .sqlite(path: String(value.dropFirst("sqlite://".count)))
        } else {
            self = .sqlite(path: value)
        }
    }

    /// Opens the store this configuration names (not yet migrated).
    public func open(logger: Logger) async throws -> any MetadataStore {
        switch self {
        case .sqlite(let path):
            try await SQLiteMetadataStore.open(path: path, logger: logger)
        case .postgres(let url):
            try PostgresMetadataStore(url: url, logger: logger)
        }
    }
}
