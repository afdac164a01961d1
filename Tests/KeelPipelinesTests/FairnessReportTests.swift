import Foundation
import KeelCore
@testable import KeelPipelines
import Testing

/// Keel's bias metrics against Fairlearn's on the same rows (Fixtures/make_fairness_values.py).
@Suite("Fairness report")
struct FairnessReportTests {
    /// The cases Fairlearn computed, parsed once.
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fairness_values.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [[String: Any]]
    }()

    /// Equal within rounding, or both NaN (Fairlearn's null).
    static func same(_ value: Double, _ expected: Any?) -> Bool {
        guard let expected = expected as? NSNumber else { return value.isNaN }
        return abs(value - expected.doubleValue) <= 1e-12 * max(1, abs(expected.doubleValue))
    }

    @Test("every headline metric and per-group rate matches Fairlearn")
    func matchesFairlearn() throws {
        #expect(Self.cases.count >= 6)
        for fixture in Self.cases {
            let name = fixture["name"] as! String
            let report = try FairnessReport(
                labels: (fixture["labels"] as! [NSNumber]).map(\.intValue),
                predictions: (fixture["predictions"] as! [NSNumber]).map(\.intValue),
                groups: fixture["groups"] as! [String]
            )
            let expected = fixture["expected"] as! [String: Any]
            let headline: [(String, Double)] = [
                ("demographic_parity_difference", report.demographicParityDifference),
                ("demographic_parity_ratio", report.demographicParityRatio),
                ("equalized_odds_difference", report.equalizedOddsDifference),
                ("equalized_odds_ratio", report.equalizedOddsRatio),
                ("true_positive_rate_difference", report.truePositiveRateDifference),
                ("true_positive_rate_ratio", report.truePositiveRateRatio),
                ("false_positive_rate_difference", report.falsePositiveRateDifference),
                ("false_positive_rate_ratio", report.falsePositiveRateRatio),
            ]
            for (metric, value) in headline {
                #expect(Self.same(value, expected[metric]), "\(name) \(metric): \(value) vs \(String(describing: expected[metric]))")
            }
            let groups = expected["per_group"] as! [String: [String: Any]]
            #expect(report.groups.count == groups.count, "\(name): groups")
            for group in report.groups {
                guard let rates = groups[group.name] else {
                    Issue.record("\(name): Fairlearn has no group '\(group.name)'")
                    continue
                }
                #expect(group.count == (rates["count"] as! NSNumber).intValue, "\(name) \(group.name) count")
                #expect(Self.same(group.selectionRate, rates["selection_rate"]), "\(name) \(group.name) selection rate")
                #expect(Self.same(group.truePositiveRate, rates["true_positive_rate"]), "\(name) \(group.name) TPR")
                #expect(Self.same(group.falsePositiveRate, rates["false_positive_rate"]), "\(name) \(group.name) FPR")
            }
        }
    }

    @Test("the four-fifths rule reads the disparate impact ratio")
    func fourFifths() throws {
        // Group a selected 5 of 10, group b 4 of 10: ratio 0.8 passes; 3 of 10 (0.6) fails.
        let labels = [Int](repeating: 1, count: 20)
        let groups = [String](repeating: "a", count: 10) + [String](repeating: "b", count: 10)
        let passing = try FairnessReport(labels: labels, predictions: [1, 1, 1, 1, 1, 0, 0, 0, 0, 0] + [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], groups: groups)
        #expect(passing.passesFourFifthsRule)
        let failing = try FairnessReport(labels: labels, predictions: [1, 1, 1, 1, 1, 0, 0, 0, 0, 0] + [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], groups: groups)
        #expect(!failing.passesFourFifthsRule)
    }

    @Test("bad input is refused with a reason")
    func badInput() {
        #expect(throws: KeelError.self) { try FairnessReport(labels: [1, 0], predictions: [1], groups: ["a", "b"]) }
        #expect(throws: KeelError.self) { try FairnessReport(labels: [], predictions: [], groups: []) }
        #expect(throws: KeelError.self) { try FairnessReport(labels: [2, 0], predictions: [1, 0], groups: ["a", "b"]) }
    }
}

@Suite("Bias limits")
struct BiasLimitsTests {
    @Test("each set limit is checked against its metric; NaN fails")
    func limits() throws {
        let report = try FairnessReport(labels: [1, 0, 1, 0], predictions: [1, 0, 0, 0], groups: ["a", "a", "b", "b"])
        let limits = BiasLimits(maxDemographicParityDifference: 0.6, maxEqualizedOddsDifference: 0.5, minDisparateImpactRatio: 0.8)
        let findings = limits.check(report)
        #expect(findings.map(\.metric) == ["demographic_parity_difference", "equalized_odds_difference", "disparate_impact_ratio"])
        #expect(findings.map(\.passed) == [true, false, false])
        #expect(findings[0].explanation == "demographic_parity_difference = 0.5, within the limit (at most 0.6)")
        #expect(BiasLimits().check(report).isEmpty)
        let nobodySelected = try FairnessReport(labels: [1, 0], predictions: [0, 0], groups: ["a", "b"])
        let ratio = BiasLimits(minDisparateImpactRatio: 0.8).check(nobodySelected)
        #expect(ratio.map(\.passed) == [false])
        #expect(ratio[0].explanation.contains("cannot be computed"))
    }
}
