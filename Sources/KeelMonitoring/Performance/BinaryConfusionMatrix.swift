import Foundation

/// A confusion matrix about one positive class: whole counts for realized metrics, or expected
/// counts (sums of probabilities) for confidence-based estimates.
///
/// The rates use NannyML's CBPE formulas (`nannyml/performance_estimation/confidence_based/metrics.py`
/// `estimate_precision`, `estimate_recall`, `estimate_f1`). For whole counts they equal sklearn's
/// bit for bit: every operand is exact, so `tp / (tp + (fp + fn) / 2)` and sklearn's
/// `2tp / (2tp + fp + fn)` round the same quotient. Where NannyML and sklearn would answer 0
/// for a zero denominator, the rate is `nil`: it cannot be computed, so it is not reported.
public struct BinaryConfusionMatrix: Sendable, Hashable {
    /// Rows predicted positive that are positive.
    public var truePositives: Double
    /// Rows predicted positive that are negative.
    public var falsePositives: Double
    /// Rows predicted negative that are positive.
    public var falseNegatives: Double
    /// Rows predicted negative that are negative.
    public var trueNegatives: Double

    /// A matrix from its four cells.
    public init(truePositives: Double, falsePositives: Double, falseNegatives: Double, trueNegatives: Double) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.trueNegatives = trueNegatives
    }

    /// `tp / (tp + fp)`; `nil` when nothing is predicted positive.
    public var precision: Double? {
        let denominator = truePositives + falsePositives
        return denominator == 0 ? nil : truePositives / denominator
    }

    /// `tp / (tp + fn)`; `nil` when nothing is positive.
    public var recall: Double? {
        let denominator = truePositives + falseNegatives
        return denominator == 0 ? nil : truePositives / denominator
    }

    /// `tp / (tp + (fp + fn) / 2)`; `nil` when nothing is positive or predicted positive.
    public var f1: Double? {
        let denominator = truePositives + 0.5 * (falsePositives + falseNegatives)
        return denominator == 0 ? nil : truePositives / denominator
    }
}
