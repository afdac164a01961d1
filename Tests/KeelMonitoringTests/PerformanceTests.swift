import Foundation
@testable import KeelMonitoring
import Testing

/// Keel's performance metrics against the values scikit-learn 1.9.1 and NannyML 0.13.1 computed
/// on the same data (Fixtures/make_performance_values.py, docs/performance-estimation.md), to
/// 1e-9 relative; a metric the fixture leaves out (`null`) must be `nil`.
@Suite("Performance metrics")
struct PerformanceTests {
    @Test("classification metrics as sklearn computes them")
    func classification() {
        let cases = PerformanceFixtures.shared.classification
        #expect(!cases.isEmpty)
        for fixture in cases {
            let metrics = ClassificationMetrics(
                labels: fixture.labels, predictions: fixture.predictions,
                positiveLabel: fixture.positiveLabel, scores: fixture.scores
            )
            expectAgreement(metrics.values, fixture.expected, fixture.name)
        }
    }

    @Test("regression metrics as sklearn computes them; R² left out for constant labels")
    func regression() {
        let cases = PerformanceFixtures.shared.regression
        #expect(!cases.isEmpty)
        for fixture in cases {
            let metrics = RegressionMetrics(labels: fixture.labels, predictions: fixture.predictions)
            expectAgreement(metrics.values, fixture.expected, fixture.name)
        }
    }

    @Test("isotonic calibration fits and predicts as sklearn's IsotonicRegression")
    func isotonic() throws {
        let cases = PerformanceFixtures.shared.isotonic
        #expect(!cases.isEmpty)
        for fixture in cases {
            let calibration = try #require(IsotonicCalibration(scores: fixture.scores, outcomes: fixture.outcomes))
            #expect(calibration.thresholds == fixture.expected.thresholds, "\(fixture.name)")
            #expect(agree(calibration.probabilities, fixture.expected.probabilities), "\(fixture.name): thresholds' probabilities")
            let predictions = calibration.calibrate(fixture.queries)
            #expect(agree(predictions, fixture.expected.predictions), "\(fixture.name): predictions")
        }
    }

    @Test("CBPE formulas as NannyML's estimate functions, zero denominators left out")
    func confidenceBasedFormulas() {
        let cases = PerformanceFixtures.shared.cbpeFunctions
        #expect(!cases.isEmpty)
        for fixture in cases {
            let estimate = ConfidenceBasedEstimation(
                probabilities: fixture.probabilities, predictedPositive: fixture.predictedPositive,
                rankingScores: fixture.rankingScores
            )
            expectAgreement(estimate.values, fixture.expected, fixture.name)
        }
    }

    @Test("CBPE end to end: calibrated on the reference, as NannyML's estimator")
    func confidenceBasedEstimator() throws {
        let cases = PerformanceFixtures.shared.cbpe
        #expect(cases.contains { $0.needsCalibration }, "the fixture exercises the calibration")
        for fixture in cases {
            var probabilities = fixture.analysis.scores
            // NannyML calibrates only when its own check says calibration helps; follow its choice.
            if fixture.needsCalibration {
                let calibration = try #require(
                    IsotonicCalibration(scores: fixture.reference.scores, outcomes: fixture.reference.targets)
                )
                probabilities = calibration.calibrate(fixture.analysis.scores)
            }
            #expect(agree(probabilities, fixture.calibratedAnalysis), "\(fixture.name): calibrated probabilities")
            let estimate = ConfidenceBasedEstimation(
                probabilities: probabilities, predictedPositive: fixture.analysis.predictedPositive,
                rankingScores: fixture.analysis.scores
            )
            expectAgreement(estimate.values, fixture.expected, fixture.name)
        }
    }

    @Test("what cannot be computed is left out")
    func leftOut() {
        #expect(ClassificationMetrics(labels: [], predictions: [], positiveLabel: "1", scores: []).values.isEmpty)
        let withNaN = ClassificationMetrics(labels: ["1", "0"], predictions: ["1", "1"], positiveLabel: "1", scores: [0.9, .nan])
        #expect(withNaN.rocAUC == nil)
        #expect(withNaN.values == ["accuracy": 0.5, "precision": 0.5, "recall": 1, "f1": 2.0 / 3.0])
        #expect(RegressionMetrics(labels: [1, 2], predictions: [1, .infinity]).values.isEmpty)
        #expect(RegressionMetrics(labels: [], predictions: []).values.isEmpty)
        #expect(IsotonicCalibration(scores: [.nan], outcomes: [true]) == nil)
        #expect(ConfidenceBasedEstimation(probabilities: [.nan], predictedPositive: [true]).values.isEmpty)
    }

    @Test("CBPE leaves rows without a probability out, as NannyML's common_nan_removal")
    func confidenceBasedDropsNaN() {
        let probabilities = [0.9, .nan, 0.2, 0.6, 0.1]
        let predicted = [true, true, false, true, false]
        let kept = [0, 2, 3, 4]
        let withNaN = ConfidenceBasedEstimation(probabilities: probabilities, predictedPositive: predicted)
        let without = ConfidenceBasedEstimation(
            probabilities: kept.map { probabilities[$0] }, predictedPositive: kept.map { predicted[$0] }
        )
        #expect(withNaN == without)
        #expect(agree(without.accuracy, (0.9 + 0.6 + 0.8 + 0.9) / 4))
    }

    @Test("a stored calibration predicts like the fitted one")
    func storedCalibration() throws {
        let fitted = try #require(IsotonicCalibration(scores: [0.1, 0.4, 0.35, 0.8], outcomes: [false, true, false, true]))
        let stored = IsotonicCalibration(thresholds: fitted.thresholds, probabilities: fitted.probabilities)
        #expect(stored == fitted)
        #expect(stored.calibrate([0, 0.2, 0.5, 1]) == fitted.calibrate([0, 0.2, 0.5, 1]))
        #expect(fitted.calibrate(.nan).isNaN)
    }
}

// MARK: - Comparison

/// Both `nil` (left out), or both present and `close` (1e-9 relative).
private func agree(_ value: Double?, _ expected: Double?) -> Bool {
    switch (value, expected) {
    case (nil, nil): true
    case let (value?, expected?): close(value, expected)
    default: false
    }
}

private func agree(_ values: [Double], _ expected: [Double]) -> Bool {
    values.count == expected.count && zip(values, expected).allSatisfy { close($0, $1) }
}

/// Every key of `expected` agrees with `values`, and `values` holds no key the fixture leaves out.
private func expectAgreement(_ values: [String: Double], _ expected: [String: Double?], _ name: String) {
    for (key, want) in expected {
        #expect(agree(values[key], want), "\(name): \(key) is \(String(describing: values[key])), expected \(String(describing: want))")
    }
    #expect(Set(values.keys).isSubset(of: Set(expected.keys)), "\(name): unexpected keys \(values.keys.sorted())")
}

// MARK: - Fixtures

/// The reference values of Fixtures/performance_values.json.
///
/// Decoded with `JSONDecoder`, which parses numbers correctly rounded: on Linux,
/// `JSONSerialization` can land a digit string one or two ulps off, which the threshold-exact
/// isotonic cases would notice.
private struct PerformanceFixtures: Decodable {
    static let shared: PerformanceFixtures = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/performance_values.json")
        return try! JSONDecoder().decode(PerformanceFixtures.self, from: Data(contentsOf: url))
    }()

    struct Classification: Decodable {
        let name: String
        let positiveLabel: String
        let labels: [String]
        let predictions: [String]
        let scores: [Double]?
        let expected: [String: Double?]

        // Spelled out rather than `.convertFromSnakeCase`, which some Foundations also apply to
        // the metric names used as dictionary keys.
        enum CodingKeys: String, CodingKey {
            case name, labels, predictions, scores, expected
            case positiveLabel = "positive_label"
        }
    }

    struct Regression: Decodable {
        let name: String
        let labels: [Double]
        let predictions: [Double]
        let expected: [String: Double?]
    }

    struct Isotonic: Decodable {
        struct Expected: Decodable {
            let thresholds: [Double]
            let probabilities: [Double]
            let predictions: [Double]
        }

        let name: String
        let scores: [Double]
        let outcomes: [Bool]
        let queries: [Double]
        let expected: Expected
    }

    struct ConfidenceBasedFormulas: Decodable {
        let name: String
        let probabilities: [Double]
        let predictedPositive: [Bool]
        let rankingScores: [Double]
        let expected: [String: Double?]

        enum CodingKeys: String, CodingKey {
            case name, probabilities, expected
            case predictedPositive = "predicted_positive"
            case rankingScores = "ranking_scores"
        }
    }

    struct ConfidenceBasedEstimator: Decodable {
        struct Reference: Decodable {
            let scores: [Double]
            let targets: [Bool]
        }

        struct Analysis: Decodable {
            let scores: [Double]
            let predictedPositive: [Bool]

            enum CodingKeys: String, CodingKey {
                case scores
                case predictedPositive = "predicted_positive"
            }
        }

        let name: String
        let reference: Reference
        let analysis: Analysis
        let needsCalibration: Bool
        let calibratedAnalysis: [Double]
        let expected: [String: Double?]

        enum CodingKeys: String, CodingKey {
            case name, reference, analysis, expected
            case needsCalibration = "needs_calibration"
            case calibratedAnalysis = "calibrated_analysis"
        }
    }

    let classification: [Classification]
    let regression: [Regression]
    let isotonic: [Isotonic]
    let cbpeFunctions: [ConfidenceBasedFormulas]
    let cbpe: [ConfidenceBasedEstimator]

    enum CodingKeys: String, CodingKey {
        case classification, regression, isotonic, cbpe
        case cbpeFunctions = "cbpe_functions"
    }
}
