import Foundation
import Logging
import SQLKit

/// Applies pending ``Migration``s to a store.
///
/// On PostgreSQL a transaction-scoped advisory lock makes concurrent replicas starting at
/// once take turns; on SQLite the single writer already serialises them.
struct Migrator {
    let store: any MetadataStore
    let logger: Logger
    var migrations: [Migration] = Migration.all

    /// An arbitrary constant shared by every Keel replica for the migration lock.
    private static let advisoryLockKey = 0x6B65_656C

    func run() async throws {
        let dialect = store.dialect
        try await store.write { database in
            try await database.raw("""
                CREATE TABLE IF NOT EXISTS keel_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """).run()
        }
        for migration in migrations {
            let applied = try await store.write { database -> Bool in
                if dialect.engine == .postgres {
                    try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.advisoryLockKey))").run()
                }
                let existing = try await database.select().column("version").from("keel_migrations")
                    .where("version", .equal, SQLBind(migration.version)).first()
                if existing != nil { return false }
                for statement in migration.statements(dialect) {
                    try await database.raw(statement).run()
                }
                try await database.insert(into: "keel_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Int64(Date.now.timeIntervalSince1970 * 1000)))
                    .run()
                return true
            }
            if applied {
                logger.info("Applied migration \(migration.version) (\(migration.name))")
            }
        }
        let newest = try await store.read { database in
            try await database.raw("SELECT COALESCE(MAX(version), 0) AS version FROM keel_migrations")
                .first(decoding: NewestVersion.self)?.version ?? 0
        }
        if newest > migrations.count {
            throw StoreError.schemaTooNew(applied: newest, known: migrations.count)
        }
    }
}

private struct NewestVersion: Decodable {
    let version: Int
}
