import SQLKit

extension Migration {
    /// What GenAI feedback is aggregated by:
    /// - `trace_assessments.value_type` and `score`: a feedback's value as a number (a boolean as
    ///   1 or 0), so thumbs and scores are summed in SQL instead of parsed row by row;
    /// - `trace_prompt_links`: which prompt versions a trace used (MLflow's `link-prompts` and the
    ///   `mlflow.linkedPrompts` tag), indexed by prompt version;
    /// - an index from a trace's `mlflow.modelId` to the trace, so a model version finds its traces.
    ///
    /// Rows stored before this migration are backfilled from their JSON; a malformed
    /// `mlflow.linkedPrompts` tag links nothing rather than failing the upgrade.
    static let traceFeedback = Migration(version: 13, name: "trace feedback") { dialect in
        [
            "ALTER TABLE trace_assessments ADD COLUMN value_type TEXT",
            "ALTER TABLE trace_assessments ADD COLUMN score DOUBLE PRECISION",
            """
            CREATE TABLE trace_prompt_links (
                trace_id TEXT NOT NULL,
                prompt_name TEXT NOT NULL,
                prompt_version BIGINT NOT NULL,
                PRIMARY KEY (trace_id, prompt_name, prompt_version)
            )
            """,
            "CREATE INDEX trace_prompt_links_by_prompt ON trace_prompt_links (prompt_name, prompt_version)",
            "CREATE INDEX trace_metadata_by_model ON trace_metadata (value) WHERE key = 'mlflow.modelId'",
            "CREATE INDEX trace_assessments_feedback ON trace_assessments (trace_id, name) WHERE kind = 'feedback' AND valid = 1",
        ] + backfill[dialect.engine, default: []]
    }

    private static let backfill: [StoreDialect.Engine: [SQLQueryString]] = [
        .sqlite: [
            """
            UPDATE trace_assessments SET
                value_type = CASE json_type(content, '$.feedback.value')
                    WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean'
                    WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' END,
                score = CASE json_type(content, '$.feedback.value')
                    WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0
                    WHEN 'integer' THEN json_extract(content, '$.feedback.value')
                    WHEN 'real' THEN json_extract(content, '$.feedback.value') END
            WHERE kind = 'feedback'
            """,
            """
            INSERT OR IGNORE INTO trace_prompt_links (trace_id, prompt_name, prompt_version)
            SELECT t.trace_id, json_extract(e.value, '$.name'), CAST(json_extract(e.value, '$.version') AS INTEGER)
            FROM trace_tags t, json_each(CASE WHEN json_valid(t.value)
                THEN CASE WHEN json_type(t.value) = 'array' THEN t.value ELSE '[]' END ELSE '[]' END) e
            WHERE t.key = 'mlflow.linkedPrompts' AND json_type(e.value) = 'object'
                AND json_extract(e.value, '$.name') IS NOT NULL AND json_extract(e.value, '$.version') IS NOT NULL
            """,
        ],
        .postgres: [
            """
            UPDATE trace_assessments SET
                value_type = CASE jsonb_typeof(content::jsonb -> 'feedback' -> 'value')
                    WHEN 'boolean' THEN 'boolean' WHEN 'number' THEN 'number' END,
                score = CASE jsonb_typeof(content::jsonb -> 'feedback' -> 'value')
                    WHEN 'boolean' THEN CASE WHEN (content::jsonb -> 'feedback' ->> 'value')::boolean THEN 1.0 ELSE 0.0 END
                    WHEN 'number' THEN (content::jsonb -> 'feedback' ->> 'value')::double precision END
            WHERE kind = 'feedback'
            """,
            """
            DO $$
            DECLARE r RECORD;
            BEGIN
                FOR r IN SELECT trace_id, value FROM trace_tags WHERE key = 'mlflow.linkedPrompts' LOOP
                    BEGIN
                        INSERT INTO trace_prompt_links (trace_id, prompt_name, prompt_version)
                        SELECT r.trace_id, e ->> 'name', (e ->> 'version')::BIGINT
                        FROM jsonb_array_elements(r.value::jsonb) AS e
                        WHERE e ->> 'name' IS NOT NULL AND e ->> 'version' IS NOT NULL
                        ON CONFLICT DO NOTHING;
                    EXCEPTION WHEN others THEN NULL;
                    END;
                END LOOP;
            END $$
            """,
        ],
    ]
}
