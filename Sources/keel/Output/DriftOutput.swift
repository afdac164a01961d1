import Foundation
import KeelMonitoring

/// How drift results look in the terminal and as JSON.
enum DriftOutput {
    /// The JSON form, shared with the server's drift route.
    static func json(_ drift: DatasetDrift) -> [String: Any] {
        drift.jsonObject
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
