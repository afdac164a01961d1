import SQLKit

extension Migration {
    /// Pipelines the server runs: their definitions and triggers' state, every run with how it
    /// was triggered and how it ended, and each run's progress events (its live log).
    ///
    /// The trigger columns (`next_scheduled_at`, `alert_cursor`) and a run's `status` are moved by
    /// conditional updates, so with several replicas one claims a schedule tick, an alert or a
    /// queued run, never two. `owner` and `heartbeat_at` let any replica notice a run whose
    /// server died, and end it.
    static let pipelines = Migration(version: 6, name: "pipelines") { dialect in
        [
            """
            CREATE TABLE pipelines (
                name TEXT PRIMARY KEY,
                directory TEXT NOT NULL,
                settings TEXT NOT NULL,
                next_scheduled_at BIGINT,
                alert_cursor BIGINT NOT NULL,
                dataset_state TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE pipeline_runs (
                run_id \(unsafeRaw: dialect.autoIncrementPrimaryKey),
                pipeline TEXT NOT NULL,
                status TEXT NOT NULL,
                trigger_kind TEXT NOT NULL,
                trigger_detail TEXT NOT NULL,
                options TEXT NOT NULL,
                tracking_run_id TEXT,
                result TEXT,
                message TEXT,
                cancel_requested BIGINT NOT NULL,
                owner TEXT,
                heartbeat_at BIGINT,
                created_at BIGINT NOT NULL,
                started_at BIGINT,
                ended_at BIGINT
            )
            """,
            "CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (pipeline, run_id)",
            "CREATE INDEX pipeline_runs_by_status ON pipeline_runs (status, run_id)",
            """
            CREATE TABLE pipeline_run_events (
                run_id BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                event TEXT NOT NULL,
                PRIMARY KEY (run_id, seq)
            )
            """,
        ]
    }
}
