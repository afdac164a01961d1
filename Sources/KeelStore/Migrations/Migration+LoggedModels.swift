import SQLKit

extension Migration {
    /// MLflow 3 logged models: the model as its own entity, linked to the run that produced it.
    ///
    /// Their metrics stay in `metrics` (tagged with `model_id`), so one observation is stored once.
    static let loggedModels = Migration(version: 2, name: "logged models") { _ in
        [
            """
            CREATE TABLE logged_models (
                model_id TEXT PRIMARY KEY,
                experiment_id BIGINT NOT NULL,
                name TEXT NOT NULL,
                artifact_location TEXT NOT NULL,
                creation_timestamp_ms BIGINT NOT NULL,
                last_updated_timestamp_ms BIGINT NOT NULL,
                status TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL,
                model_type TEXT,
                source_run_id TEXT,
                status_message TEXT
            )
            """,
            "CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp_ms)",
            "CREATE INDEX logged_models_by_run ON logged_models (source_run_id)",
            """
            CREATE TABLE logged_model_params (
                model_id TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_id, key)
            )
            """,
            """
            CREATE TABLE logged_model_tags (
                model_id TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_id, key)
            )
            """,
            "CREATE INDEX metrics_by_model ON metrics (model_id, key)",
        ]
    }
}
