import SQLKit

extension Migration {
    /// Serving: deployments, what happened to them, and the inference log.
    ///
    /// The deployments table is the source of truth every server replica reconciles its
    /// worker pools against. The inference log is append-only and keyed by time per
    /// deployment, so monitoring reads windows of it and old partitions can move elsewhere.
    static let serving = Migration(version: 4, name: "serving") { dialect in
        [
            """
            CREATE TABLE deployments (
                name TEXT PRIMARY KEY,
                model_name TEXT NOT NULL,
                alias TEXT,
                primary_version BIGINT NOT NULL,
                follow_alias BIGINT NOT NULL,
                traffic TEXT NOT NULL,
                workers BIGINT NOT NULL,
                max_batch_size BIGINT NOT NULL,
                max_batch_wait_ms BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX deployments_by_model ON deployments (model_name)",
            """
            CREATE TABLE deployment_events (
                event_id \(unsafeRaw: dialect.autoIncrementPrimaryKey),
                deployment TEXT NOT NULL,
                kind TEXT NOT NULL,
                version BIGINT,
                detail TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX deployment_events_by_deployment ON deployment_events (deployment, event_id)",
            """
            CREATE TABLE inference_log (
                request_id TEXT NOT NULL,
                role TEXT NOT NULL,
                deployment TEXT NOT NULL,
                model_version TEXT NOT NULL,
                protocol TEXT NOT NULL,
                status BIGINT NOT NULL,
                latency_us BIGINT NOT NULL,
                timestamp_ms BIGINT NOT NULL,
                request_body TEXT,
                response_body TEXT,
                PRIMARY KEY (request_id, role)
            )
            """,
            "CREATE INDEX inference_log_by_deployment ON inference_log (deployment, timestamp_ms)",
        ]
    }
}
