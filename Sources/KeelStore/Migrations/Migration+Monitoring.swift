import SQLKit

extension Migration {
    /// Monitoring: per-deployment settings and reference data, ground truth, alert rules and
    /// the alerts they raised.
    ///
    /// Feedback is keyed by the inference log's request id and row, so a label can arrive late,
    /// twice or out of order and still land on exactly one prediction. `monitoring_events` is the
    /// append-only feed other parts (pipelines) poll for fired alerts.
    static let monitoring = Migration(version: 5, name: "monitoring") { dialect in
        [
            """
            CREATE TABLE monitors (
                deployment TEXT PRIMARY KEY,
                settings TEXT NOT NULL,
                reference_path TEXT,
                reference_format TEXT,
                reference_source TEXT,
                reference_profile TEXT,
                reference_rows BIGINT,
                reference_created_at BIGINT,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE feedback (
                request_id TEXT NOT NULL,
                row_index BIGINT NOT NULL,
                deployment TEXT NOT NULL,
                label TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                PRIMARY KEY (request_id, row_index)
            )
            """,
            "CREATE INDEX feedback_by_deployment ON feedback (deployment, request_id)",
            """
            CREATE TABLE alert_rules (
                rule_id \(unsafeRaw: dialect.autoIncrementPrimaryKey),
                deployment TEXT NOT NULL,
                condition TEXT NOT NULL,
                window_spec TEXT NOT NULL,
                webhook TEXT,
                every_ms BIGINT NOT NULL,
                state TEXT NOT NULL,
                last_value DOUBLE PRECISION,
                last_evaluated_at BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX alert_rules_by_deployment ON alert_rules (deployment)",
            """
            CREATE TABLE monitoring_events (
                event_id \(unsafeRaw: dialect.autoIncrementPrimaryKey),
                rule_id BIGINT NOT NULL,
                deployment TEXT NOT NULL,
                state TEXT NOT NULL,
                condition TEXT NOT NULL,
                metric TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                window_spec TEXT NOT NULL,
                webhook TEXT,
                delivery TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX monitoring_events_by_deployment ON monitoring_events (deployment, event_id)",
        ]
    }
}
