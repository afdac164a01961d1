import SQLKit

extension Migration {
    /// GenAI traces: one row per trace (MLflow's TraceInfoV3), its tags and metadata, its spans
    /// (each kept as the OpenTelemetry proto-JSON the read API answers with) and its assessments
    /// (human and judge feedback, expectations), kept as MLflow's proto-JSON with the fields
    /// searches and aggregations need as columns.
    static let traces = Migration(version: 12, name: "traces") { _ in
        [
            """
            CREATE TABLE traces (
                trace_id TEXT PRIMARY KEY,
                experiment_id BIGINT NOT NULL,
                request_time BIGINT NOT NULL,
                execution_duration BIGINT,
                state TEXT NOT NULL,
                client_request_id TEXT,
                request_preview TEXT,
                response_preview TEXT,
                name TEXT
            )
            """,
            "CREATE INDEX traces_by_experiment ON traces (experiment_id, request_time)",
            """
            CREATE TABLE trace_tags (
                trace_id TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (trace_id, key)
            )
            """,
            """
            CREATE TABLE trace_metadata (
                trace_id TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (trace_id, key)
            )
            """,
            """
            CREATE TABLE trace_spans (
                trace_id TEXT NOT NULL,
                span_id TEXT NOT NULL,
                parent_span_id TEXT,
                name TEXT NOT NULL,
                start_ns BIGINT NOT NULL,
                end_ns BIGINT NOT NULL,
                status TEXT NOT NULL,
                content TEXT NOT NULL,
                PRIMARY KEY (trace_id, span_id)
            )
            """,
            """
            CREATE TABLE trace_assessments (
                assessment_id TEXT PRIMARY KEY,
                trace_id TEXT NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                source_type TEXT NOT NULL,
                valid BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                content TEXT NOT NULL
            )
            """,
            "CREATE INDEX trace_assessments_by_trace ON trace_assessments (trace_id, created_at)",
        ]
    }
}
