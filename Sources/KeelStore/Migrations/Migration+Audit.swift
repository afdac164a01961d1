import SQLKit

extension Migration {
    /// The audit log: one row per change, each holding the SHA-256 of the one before it, so
    /// editing or deleting any row breaks the chain at that point. `audit_head` repeats the last
    /// row's number and hash, written in the same transaction, so cutting rows off the end is
    /// noticed too.
    static let audit = Migration(version: 8, name: "audit log") { _ in
        [
            """
            CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                auth_method TEXT NOT NULL,
                remote TEXT NOT NULL,
                action TEXT NOT NULL,
                resource TEXT NOT NULL,
                status BIGINT NOT NULL,
                details TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_log_by_resource ON audit_log (resource, seq)",
            """
            CREATE TABLE audit_head (
                id BIGINT PRIMARY KEY,
                seq BIGINT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
        ]
    }
}
