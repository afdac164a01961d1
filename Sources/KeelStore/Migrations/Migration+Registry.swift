import SQLKit

extension Migration {
    /// The model registry: registered models, their versions, aliases, tags, and the durable
    /// event log other parts (serving, audit, webhooks) read to learn about registry changes.
    static let registry = Migration(version: 3, name: "model registry") { dialect in
        [
            """
            CREATE TABLE registered_models (
                name TEXT PRIMARY KEY,
                creation_timestamp BIGINT NOT NULL,
                last_updated_timestamp BIGINT NOT NULL,
                description TEXT,
                user_id TEXT
            )
            """,
            "CREATE INDEX registered_models_by_update ON registered_models (last_updated_timestamp)",
            """
            CREATE TABLE registered_model_tags (
                name TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (name, key)
            )
            """,
            """
            CREATE TABLE model_versions (
                name TEXT NOT NULL,
                version BIGINT NOT NULL,
                creation_timestamp BIGINT NOT NULL,
                last_updated_timestamp BIGINT NOT NULL,
                description TEXT,
                user_id TEXT,
                current_stage TEXT NOT NULL,
                source TEXT NOT NULL,
                storage_location TEXT NOT NULL,
                run_id TEXT,
                run_link TEXT,
                model_id TEXT,
                status TEXT NOT NULL,
                status_message TEXT,
                PRIMARY KEY (name, version)
            )
            """,
            "CREATE INDEX model_versions_by_run ON model_versions (run_id)",
            "CREATE INDEX model_versions_by_model ON model_versions (model_id)",
            "CREATE INDEX model_versions_by_update ON model_versions (last_updated_timestamp)",
            """
            CREATE TABLE model_version_tags (
                name TEXT NOT NULL,
                version BIGINT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (name, version, key)
            )
            """,
            """
            CREATE TABLE registered_model_aliases (
                name TEXT NOT NULL,
                alias TEXT NOT NULL,
                version BIGINT NOT NULL,
                PRIMARY KEY (name, alias)
            )
            """,
            """
            CREATE TABLE registry_events (
                event_id \(unsafeRaw: dialect.autoIncrementPrimaryKey),
                kind TEXT NOT NULL,
                model_name TEXT NOT NULL,
                version BIGINT,
                detail TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
        ]
    }
}
