import Foundation
import KeelMonitoring

/// How drift results look in the terminal and as JSON.
enum DriftOutput {
    /// The JSON form: per column the test, score, threshold and verdict; then the data set.
    static func json(_ drift: DatasetDrift) -> [String: Any] {
        [
            "columns": drift.columns.map { column -> [String: Any] in
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
                "number_of_columns": drift.columns.count,
                "number_of_drifted_columns": drift.driftedColumns,
                "share_of_drifted_columns": drift.share,
                "drift_share_threshold": drift.shareThreshold,
                "dataset_drift": drift.detected,
            ],
        ]
    }

    /// A table for people, drifted columns marked, and a one-line verdict.
    static func printTable(_ drift: DatasetDrift) {
        var table = TextTable(headers: ["COLUMN", "TYPE", "TEST", "SCORE", "THRESHOLD", "DRIFT"])
        for column in drift.columns {
            table.rows.append([
                column.column, column.kind.rawValue, column.method.displayName, String(format: "%.4g", column.score),
                String(format: "%g", column.threshold), column.detected ? "DRIFT" : "-",
            ])
        }
        print(table.render())
        print("")
        let verdict = drift.detected ? "Data drift detected" : "No data drift"
        print("\(verdict): \(drift.driftedColumns) of \(drift.columns.count) columns drifted "
            + "(\(String(format: "%.0f", drift.share * 100))%, threshold \(String(format: "%.0f", drift.shareThreshold * 100))%).")
    }
}
