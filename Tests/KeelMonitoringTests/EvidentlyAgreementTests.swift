import Foundation
import KeelMonitoring
import Testing

/// Whole tables against Evidently 0.7.23's legacy data drift table on the same CSV files
/// (Fixtures/evidently_drift.json): the same test per column, the same score to 1e-9, the
/// same verdicts, the same dataset share.
@Suite("Agreement with Evidently")
struct EvidentlyAgreementTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test("per-column tests, scores and verdicts, and the dataset verdict", arguments: ["small", "medium", "ks_asymp"])
    func dataset(name: String) throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("evidently_drift.json"))
        let all = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let dataset = (all["datasets"] as! [[String: Any]]).first { $0["name"] as? String == name }!
        let reference = try DataTable.read(path: Self.fixtures.appendingPathComponent(dataset["reference_csv"] as! String).path)
        let current = try DataTable.read(path: Self.fixtures.appendingPathComponent(dataset["current_csv"] as! String).path)
        let legacy = dataset["legacy_api"] as! [String: Any]
        let expectedColumns = legacy["columns"] as! [[String: Any]]

        let drift = try DriftReport.compare(reference: reference, current: current)
        #expect(drift.columns.map(\.column) == expectedColumns.map { $0["column"] as! String })
        for (actual, expected) in zip(drift.columns, expectedColumns) {
            let column = actual.column
            #expect(actual.kind.rawValue == expected["column_type"] as? String, "\(column)")
            #expect(actual.method.rawValue == expected["stattest"] as? String, "\(column)")
            #expect(actual.method.displayName == expected["stattest_display_name"] as? String, "\(column)")
            #expect(actual.threshold == FixtureValues.number(expected["threshold"]), "\(column)")
            // Above 10,000 rows scipy's KS uses its finite-N distribution, Keel Kolmogorov's limit.
            let tolerance = actual.method == .ks && max(actual.referenceCount, actual.currentCount) > 10_000 ? 0.05 : 1e-9
            #expect(close(actual.score, FixtureValues.number(expected["drift_score"]), tolerance), "\(column): \(actual.score)")
            #expect(actual.detected == expected["drift_detected"] as? Bool, "\(column)")
        }
        let expectedDataset = legacy["dataset"] as! [String: Any]
        #expect(drift.driftedColumns == (expectedDataset["number_of_drifted_columns"] as? Int), "\(expectedDataset)")
        #expect(close(drift.share, FixtureValues.number(expectedDataset["share_of_drifted_columns"])), "\(expectedDataset)")
        #expect(drift.detected == expectedDataset["dataset_drift"] as? Bool, "\(expectedDataset)")
    }
}
