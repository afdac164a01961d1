import SQLKit

extension Migration {
    /// Model versions of a run in the order a lineage search pages them: by model name, newest
    /// version first. With `run_id` alone, every page sorted all of the run's versions before
    /// taking its 1,000 (a temporary B-tree of whole rows: most of a search of 1,670 versions);
    /// with the order in the index the page is read in order and stops at its limit. The old
    /// index is this one's prefix, so it goes.
    static let versionsByRun = Migration(version: 16, name: "model versions by run, in page order") { _ in
        [
            "CREATE INDEX model_versions_by_run_name ON model_versions (run_id, name ASC, version DESC)",
            "DROP INDEX model_versions_by_run",
        ]
    }
}
