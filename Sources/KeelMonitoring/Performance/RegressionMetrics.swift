import Foundation

/// Realized regression performance, as `sklearn.metrics.mean_absolute_error`,
/// `root_mean_squared_error` and `r2_score` compute it.
///
/// A metric that cannot be computed is `nil`: every metric when there are no rows or a value is
/// not finite (sklearn refuses non-finite input); R² when there are fewer than two rows (sklearn
/// warns and answers NaN) or the labels are all equal. For constant labels sklearn answers 1 or 0
/// by convention (`force_finite`), which says nothing about the model, so Keel leaves R² out.
public struct RegressionMetrics: Sendable, Hashable {
    /// Mean absolute error.
    public var mae: Double?
    /// Root of the mean squared error.
    public var rmse: Double?
    /// Coefficient of determination, `1 - Σ(label - prediction)² / Σ(label - mean label)²`.
    public var r2: Double?

    /// Computes the metrics of `predictions` against `labels` (same length).
    public init(labels: [Double], predictions: [Double]) {
        precondition(labels.count == predictions.count, "one prediction per label")
        guard !labels.isEmpty, labels.allSatisfy(\.isFinite), predictions.allSatisfy(\.isFinite) else { return }
        let count = Double(labels.count)
        var absoluteErrors = 0.0
        var squaredErrors = 0.0
        for (label, prediction) in zip(labels, predictions) {
            absoluteErrors += abs(prediction - label)
            squaredErrors += (label - prediction) * (label - prediction)
        }
        mae = absoluteErrors / count
        rmse = (squaredErrors / count).squareRoot()
        guard labels.count >= 2, labels.contains(where: { $0 != labels[0] }) else { return }
        let mean = labels.reduce(0, +) / count
        let totalSquares = labels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        // Distinct labels can still leave no spread once rounded (subnormal differences).
        guard totalSquares > 0 else { return }
        r2 = 1 - squaredErrors / totalSquares
    }

    /// The metrics that could be computed, keyed `mae`, `rmse`, `r2`.
    public var values: [String: Double] {
        performanceValues(["mae": mae, "rmse": rmse, "r2": r2])
    }
}
