import Foundation

/// Realized classification performance: labels (ground truth) against what the model predicted.
///
/// Labels and predictions are the canonical text of JSON scalars, so `"1"` and `"1.0"` are
/// different classes: the caller canonicalizes. Accuracy is over every class (the share of rows
/// where prediction equals label, `sklearn.metrics.accuracy_score`); precision, recall and F1 are
/// about `positiveLabel` against the rest (sklearn's `precision_score` / `recall_score` /
/// `f1_score` on `label == positive` and `prediction == positive`); ROC-AUC scores the
/// probability of the positive class (`roc_auc_score` on `label == positive`).
///
/// A metric that cannot be computed is `nil`, never 0: no rows; no predicted positive (precision);
/// no positive label (recall); neither (F1); no scores, a non-finite score, or one class only
/// (ROC-AUC). sklearn answers 0 (or NaN) with a warning in those cases.
public struct ClassificationMetrics: Sendable, Hashable {
    /// Share of rows whose prediction equals their label.
    public var accuracy: Double?
    /// Of the rows predicted positive, the share that are positive.
    public var precision: Double?
    /// Of the positive rows, the share predicted positive.
    public var recall: Double?
    /// Harmonic mean of precision and recall, `2tp / (2tp + fp + fn)`.
    public var f1: Double?
    /// Area under the ROC curve of the positive-class scores.
    public var rocAUC: Double?
    /// The counts precision, recall and F1 come from.
    public var confusion: BinaryConfusionMatrix

    /// Computes the metrics of `predictions` against `labels` (same length), about `positiveLabel`;
    /// `scores`, when given, holds each row's probability of the positive class.
    public init(labels: [String], predictions: [String], positiveLabel: String, scores: [Double]? = nil) {
        precondition(labels.count == predictions.count, "one prediction per label")
        var counts = (tp: 0, fp: 0, fn: 0, tn: 0)
        var equal = 0
        for (label, prediction) in zip(labels, predictions) {
            if label == prediction { equal += 1 }
            switch (label == positiveLabel, prediction == positiveLabel) {
            case (true, true): counts.tp += 1
            case (false, true): counts.fp += 1
            case (true, false): counts.fn += 1
            case (false, false): counts.tn += 1
            }
        }
        confusion = BinaryConfusionMatrix(
            truePositives: Double(counts.tp), falsePositives: Double(counts.fp),
            falseNegatives: Double(counts.fn), trueNegatives: Double(counts.tn)
        )
        guard !labels.isEmpty else { return }
        accuracy = Double(equal) / Double(labels.count)
        precision = confusion.precision
        recall = confusion.recall
        f1 = confusion.f1
        if let scores {
            rocAUC = rocAUCScore(positives: labels.map { $0 == positiveLabel }, scores: scores)
        }
    }

    /// The metrics that could be computed, keyed `accuracy`, `precision`, `recall`, `f1`, `roc_auc`.
    public var values: [String: Double] {
        performanceValues(["accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1, "roc_auc": rocAUC])
    }
}

/// Drops the metrics that could not be computed, so a report never shows a faked value.
func performanceValues(_ metrics: [String: Double?]) -> [String: Double] {
    metrics.compactMapValues { $0 }
}
