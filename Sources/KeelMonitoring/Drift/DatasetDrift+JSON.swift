/// The JSON shape of a drift result, shared by `keel drift --json` and the REST drift route so
/// a program reads both the same way.
extension DatasetDrift {
    /// Per column the test, score, threshold and verdict; then the data set's verdict.
    ///
    /// Non-finite scores (a column with no comparable values) are written as strings
    /// (`"nan"`), since JSON has no NaN.
    public var jsonObject: [String: any Sendable] {
        [
            "columns": columns.map { column -> [String: any Sendable] in
                [
                    "column": column.column,
                    "column_type": column.kind.rawValue,
                    "stattest": column.method.rawValue,
                    "stattest_name": column.method.displayName,
                    "score_kind": column.method.scoreIsPValue ? "p_value" : "distance",
                    "drift_score": column.score.isFinite ? column.score : String(column.score),
                    "threshold": column.threshold,
                    "drift_detected": column.detected,
                    "reference_count": column.referenceCount,
                    "current_count": column.currentCount,
                ]
            },
            "dataset": [
                "number_of_columns": columns.count,
                "number_of_drifted_columns": driftedColumns,
                "share_of_drifted_columns": share,
                "drift_share_threshold": shareThreshold,
                "dataset_drift": detected,
            ] as [String: any Sendable],
        ]
    }
}
