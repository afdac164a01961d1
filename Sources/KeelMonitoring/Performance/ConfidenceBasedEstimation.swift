import Foundation

/// Classification performance estimated without labels from calibrated probabilities: the idea
/// of NannyML's confidence-based performance estimation (CBPE), with NannyML's formulas.
///
/// A row predicted positive with calibrated probability `p` is a true positive with probability
/// `p` and a false positive with probability `1 - p`; a row predicted negative is a false
/// negative with probability `p` and a true negative with probability `1 - p`. Summing gives the
/// expected confusion matrix, and from it (NannyML 0.13.1,
/// `nannyml/performance_estimation/confidence_based/metrics.py`):
///
/// - accuracy `(TP + TN) / n` (`estimate_accuracy`, `n` the number of rows);
/// - precision `TP / (TP + FP)`, recall `TP / (TP + FN)`, F1 `TP / (TP + (FP + FN) / 2)`
///   (`estimate_precision`, `estimate_recall`, `estimate_f1`);
/// - ROC-AUC by `estimate_roc_auc`, see ``estimatedROCAUC(probabilities:rankingScores:)``.
///
/// Where NannyML answers 0 for a zero denominator (nothing predicted positive, every
/// probability 0), the metric is `nil` here. Rows whose probability is NaN are left out first,
/// as NannyML's `common_nan_removal` does; with no rows left every metric is `nil`.
/// The probabilities must already be calibrated (see ``IsotonicCalibration``): the estimate is
/// only as good as that calibration.
public struct ConfidenceBasedEstimation: Sendable, Hashable {
    /// Estimated share of rows whose prediction is right.
    public var accuracy: Double?
    /// Estimated precision of the positive class.
    public var precision: Double?
    /// Estimated recall of the positive class.
    public var recall: Double?
    /// Estimated F1 of the positive class.
    public var f1: Double?
    /// Estimated ROC-AUC of the ranking scores.
    public var rocAUC: Double?
    /// The expected confusion matrix (sums of probabilities).
    public var expectedConfusion: BinaryConfusionMatrix

    /// Estimates performance from each row's calibrated probability of the positive class and
    /// whether the model predicted it positive. `rankingScores` are the model's own (uncalibrated)
    /// scores, which NannyML ranks rows by for ROC-AUC; without them the probabilities rank.
    public init(probabilities: [Double], predictedPositive: [Bool], rankingScores: [Double]? = nil) {
        precondition(probabilities.count == predictedPositive.count, "one prediction per probability")
        precondition(rankingScores.map { $0.count == probabilities.count } ?? true, "one ranking score per probability")
        var tp = 0.0
        var fp = 0.0
        var fn = 0.0
        var tn = 0.0
        var rows = 0
        for (probability, positive) in zip(probabilities, predictedPositive) where !probability.isNaN {
            rows += 1
            if positive {
                tp += probability
                fp += 1 - probability
            } else {
                fn += probability
                tn += 1 - probability
            }
        }
        expectedConfusion = BinaryConfusionMatrix(truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn)
        guard rows > 0 else { return }
        accuracy = (tp + tn) / Double(rows)
        precision = expectedConfusion.precision
        recall = expectedConfusion.recall
        f1 = expectedConfusion.f1
        let scores = rankingScores ?? probabilities
        let usable = probabilities.indices.filter { !probabilities[$0].isNaN && !scores[$0].isNaN }
        rocAUC = Self.estimatedROCAUC(probabilities: usable.map { probabilities[$0] }, rankingScores: usable.map { scores[$0] })
    }

    /// The metrics that could be estimated, keyed `accuracy`, `precision`, `recall`, `f1`, `roc_auc`
    /// (the caller adds any `estimated_` prefix).
    public var values: [String: Double] {
        performanceValues(["accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1, "roc_auc": rocAUC])
    }
}
