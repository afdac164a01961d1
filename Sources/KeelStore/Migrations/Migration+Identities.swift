import SQLKit

extension Migration {
    /// Who may use the server: users with a slow password hash, and API tokens stored only as
    /// their SHA-256. Failed logins are counted per user, so a lockout holds on every replica.
    static let identities = Migration(version: 7, name: "identities") { _ in
        [
            """
            CREATE TABLE users (
                username TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                is_admin BIGINT NOT NULL,
                failed_logins BIGINT NOT NULL,
                locked_until BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE api_tokens (
                token_id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                expires_at BIGINT,
                revoked_at BIGINT,
                last_used_at BIGINT
            )
            """,
            "CREATE INDEX api_tokens_by_user ON api_tokens (username)",
        ]
    }
}
