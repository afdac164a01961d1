import SQLKit

extension Migration {
    /// Each trace's info rendered as MLflow's TraceInfoV3 JSON, kept beside the row so a search
    /// answers a page without reading every hit's tags, metadata and assessments again.
    ///
    /// Every change to a trace clears `info_json` and bumps `info_generation`; a reader that
    /// renders a cleared info stores it back only if the generation it read is still current, so
    /// a change racing the reader is never overwritten by an older rendering. Existing rows
    /// start cleared and are rendered on first read.
    static let traceInfoCache = Migration(version: 14, name: "trace info cache") { _ in
        [
            "ALTER TABLE traces ADD COLUMN info_json TEXT",
            "ALTER TABLE traces ADD COLUMN info_generation BIGINT NOT NULL DEFAULT 0",
        ]
    }
}
