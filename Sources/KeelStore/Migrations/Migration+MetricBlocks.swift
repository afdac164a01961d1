import SQLKit

extension Migration {
    /// `metric_blocks` holds a run's metric observations in blocks: one row per key per
    /// `log-batch`, its points packed into one blob (see `MetricBlock` in KeelTracking).
    ///
    /// A `log-batch` of two metrics over 50 steps was 100 rows in `metrics` and 100 entries in
    /// its history index, and those rows were two-fifths of what SQLite did per ingested run.
    /// As two blocks it is two rows. Observations that belong to a logged model or a dataset,
    /// and keys logged once in a request, stay rows in `metrics`; a history reads both.
    static let metricBlocks = Migration(version: 18, name: "metric observations in blocks") { dialect in
        [
            """
            CREATE TABLE metric_blocks (
                run_uuid TEXT NOT NULL,
                key TEXT NOT NULL,
                points BIGINT NOT NULL,
                data \(unsafeRaw: dialect.blobType) NOT NULL
            )
            """,
            "CREATE INDEX metric_blocks_by_run ON metric_blocks (run_uuid, key)",
        ]
    }
}
