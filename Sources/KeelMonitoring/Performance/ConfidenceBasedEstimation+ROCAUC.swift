import Foundation

extension ConfidenceBasedEstimation {
    /// ROC-AUC expected from calibrated probabilities, as NannyML 0.13.1 estimates it
    /// (`nannyml/performance_estimation/confidence_based/metrics.py` `estimate_roc_auc`).
    ///
    /// Rows are ranked by descending `rankingScores` (NannyML: the uncalibrated scores,
    /// `np.argsort(...)[::-1]`). Walking down the ranking, the expected true positives are the
    /// running sum of the probabilities and the expected false positives are the rows so far minus
    /// that sum; both are rounded to 5 decimals (`np.round(_, 5)`, half to even), `(0, 0)` is
    /// prepended, each is divided by its last value, and the trapezoidal area is the estimate.
    /// Unlike sklearn's ROC curve, tied scores are not merged into one point: every row is a point.
    /// With a calibration that maps equal scores to equal probabilities, rows with equal scores
    /// add equal steps, so their order changes nothing (NannyML's unstable sort makes it arbitrary).
    ///
    /// `nil` where NannyML answers NaN: no rows, an expected positive or negative total that
    /// rounds to 0; and where sklearn's `auc` would raise (rates neither rising nor falling).
    public static func estimatedROCAUC(probabilities: [Double], rankingScores: [Double]) -> Double? {
        precondition(probabilities.count == rankingScores.count, "one ranking score per probability")
        let order = rankingScores.indices.sorted { rankingScores[$0] > rankingScores[$1] }
        var truePositives = [0.0]
        var falsePositives = [0.0]
        var expectedPositives = 0.0
        for (rank, row) in order.enumerated() {
            expectedPositives += probabilities[row]
            truePositives.append(roundedTo5Decimals(expectedPositives))
            falsePositives.append(roundedTo5Decimals(Double(1 + rank) - expectedPositives))
        }
        guard let allPositives = truePositives.last, let allNegatives = falsePositives.last,
              allPositives != 0, allNegatives != 0 else { return nil }
        return trapezoidArea(x: falsePositives.map { $0 / allNegatives }, y: truePositives.map { $0 / allPositives })
    }
}

/// `np.round(value, 5)`: scale by 10⁵, round half to even, scale back.
private func roundedTo5Decimals(_ value: Double) -> Double {
    (value * 100_000).rounded(.toNearestOrEven) / 100_000
}
