import SQLKit

extension Migration {
    /// Per-resource permissions: one row per user and resource that differs from the server's
    /// default. Experiments are keyed by id, registered models, deployments and pipelines by
    /// name (renames move their rows).
    static let permissions = Migration(version: 9, name: "permissions") { _ in
        [
            """
            CREATE TABLE permissions (
                resource_type TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                username TEXT NOT NULL,
                permission TEXT NOT NULL,
                granted_by TEXT NOT NULL,
                granted_at BIGINT NOT NULL,
                PRIMARY KEY (resource_type, resource_id, username)
            )
            """,
            "CREATE INDEX permissions_by_user ON permissions (username)",
        ]
    }
}
