/// The differences between the databases Keel runs on, kept as data so there is one code path.
public struct StoreDialect: Sendable, Hashable {
    /// Which database engine this is.
    public enum Engine: String, Sendable, Hashable {
        case sqlite
        case postgres
    }

    /// The engine.
    public let engine: Engine
    /// Column definition of an auto-incrementing 64-bit integer primary key.
    public let autoIncrementPrimaryKey: String
    /// The largest number of bind parameters one statement may carry.
    public let maxBindsPerStatement: Int
    /// Column type of a byte string.
    public let blobType: String

    /// SQLite 3.35+ (Keel bundles a newer one through sqlite-nio).
    public static let sqlite = StoreDialect(
        engine: .sqlite,
        autoIncrementPrimaryKey: "INTEGER PRIMARY KEY AUTOINCREMENT",
        maxBindsPerStatement: 32_000,
        blobType: "BLOB"
    )

    /// PostgreSQL 12+.
    public static let postgres = StoreDialect(
        engine: .postgres,
        autoIncrementPrimaryKey: "BIGSERIAL PRIMARY KEY",
        maxBindsPerStatement: 65_535,
        blobType: "BYTEA"
    )
}
