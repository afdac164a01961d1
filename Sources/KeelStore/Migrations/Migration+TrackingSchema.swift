import KeelCore
import SQLKit

extension Migration {
    /// Experiments, runs, params, tags, metric histories and dataset inputs (MLflow tracking).
    ///
    /// Portable types only: BIGINT epoch milliseconds, TEXT, DOUBLE PRECISION. Indexes follow
    /// the queries: run listing by experiment and start time, metric history by run/key/step,
    /// search by latest metric value. Values of params and tags are not indexed: they can be
    /// longer than PostgreSQL's B-tree row limit.
    static let trackingSchema = Migration(version: 1, name: "tracking schema") { dialect in
        [
            """
            CREATE TABLE experiments (
                experiment_id \(unsafeRaw: dialect.autoIncrementPrimaryKey),
                name TEXT NOT NULL UNIQUE,
                artifact_location TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL,
                creation_time BIGINT NOT NULL,
                last_update_time BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE experiment_tags (
                experiment_id BIGINT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (experiment_id, key)
            )
            """,
            """
            CREATE TABLE runs (
                run_uuid TEXT PRIMARY KEY,
                experiment_id BIGINT NOT NULL,
                name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                status TEXT NOT NULL,
                start_time BIGINT,
                end_time BIGINT,
                lifecycle_stage TEXT NOT NULL,
                artifact_uri TEXT NOT NULL,
                deleted_time BIGINT
            )
            """,
            "CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time, run_uuid)",
            """
            CREATE TABLE params (
                run_uuid TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_uuid, key)
            )
            """,
            """
            CREATE TABLE tags (
                run_uuid TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_uuid, key)
            )
            """,
            """
            CREATE TABLE metrics (
                run_uuid TEXT NOT NULL,
                key TEXT NOT NULL,
                value DOUBLE PRECISION,
                timestamp BIGINT NOT NULL,
                step BIGINT NOT NULL,
                is_nan BIGINT NOT NULL,
                model_id TEXT,
                dataset_name TEXT,
                dataset_digest TEXT
            )
            """,
            "CREATE INDEX metrics_history ON metrics (run_uuid, key, step, timestamp)",
            """
            CREATE TABLE latest_metrics (
                run_uuid TEXT NOT NULL,
                key TEXT NOT NULL,
                value DOUBLE PRECISION,
                timestamp BIGINT NOT NULL,
                step BIGINT NOT NULL,
                is_nan BIGINT NOT NULL,
                PRIMARY KEY (run_uuid, key)
            )
            """,
            "CREATE INDEX latest_metrics_by_value ON latest_metrics (key, value)",
            """
            CREATE TABLE datasets (
                dataset_uuid TEXT PRIMARY KEY,
                experiment_id BIGINT NOT NULL,
                name TEXT NOT NULL,
                digest TEXT NOT NULL,
                source_type TEXT NOT NULL,
                source TEXT NOT NULL,
                schema TEXT,
                profile TEXT,
                UNIQUE (experiment_id, name, digest)
            )
            """,
            """
            CREATE TABLE run_inputs (
                input_uuid TEXT PRIMARY KEY,
                run_uuid TEXT NOT NULL,
                dataset_uuid TEXT NOT NULL,
                UNIQUE (run_uuid, dataset_uuid)
            )
            """,
            "CREATE INDEX run_inputs_by_dataset ON run_inputs (dataset_uuid)",
            """
            CREATE TABLE input_tags (
                input_uuid TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (input_uuid, key)
            )
            """,
            """
            CREATE TABLE run_model_inputs (
                run_uuid TEXT NOT NULL,
                model_id TEXT NOT NULL,
                PRIMARY KEY (run_uuid, model_id)
            )
            """,
            """
            CREATE TABLE run_model_outputs (
                run_uuid TEXT NOT NULL,
                model_id TEXT NOT NULL,
                step BIGINT NOT NULL,
                PRIMARY KEY (run_uuid, model_id)
            )
            """,
            // MLflow's client expects experiment "0" named "Default" to exist.
            """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', \(bind: Timestamp.nowMillis()), \(bind: Timestamp.nowMillis()))
            """,
        ]
    }
}
