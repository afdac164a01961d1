import Foundation

/// Turns a model's scores into calibrated probabilities of the positive class: an isotonic
/// (non-decreasing) step-and-ramp function fitted on labelled (score, outcome) pairs.
///
/// It predicts what `sklearn.isotonic.IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1,
/// increasing=True)` predicts after `fit(scores, outcomes)` — the calibrator of NannyML's CBPE
/// (`nannyml/calibration.py` `IsotonicCalibrator`, which sets no bounds; with 0/1 outcomes the fit
/// stays in [0, 1], so the bounds change nothing). Following `sklearn/isotonic.py` `_build_y`:
///
/// 1. pairs are sorted by score, then outcome;
/// 2. equal scores become one point whose value is the share of positive outcomes, weighted by
///    the number of rows (`sklearn/_isotonic.pyx` `_make_unique`; "equal" means less than
///    `np.finfo(float64).resolution` = 1e-15 above the first score of the run);
/// 3. the points are fitted by pool-adjacent-violators with those weights and clipped to [0, 1];
/// 4. points whose value equals both neighbours' are dropped (they change no prediction).
///
/// Prediction clips a score to the fitted range, then interpolates linearly between the two
/// thresholds around it (`np.interp`, which `scipy.interpolate.interp1d` delegates to).
public struct IsotonicCalibration: Sendable, Hashable {
    /// The fitted scores, strictly increasing (sklearn's `X_thresholds_`).
    public let thresholds: [Double]
    /// The calibrated probability at each threshold, non-decreasing (sklearn's `y_thresholds_`).
    public let probabilities: [Double]

    /// Fits the calibration on `scores` and whether each row turned out positive; `nil` when no
    /// pair has a finite score. Pairs with a non-finite score are skipped (sklearn refuses them).
    public init?(scores: [Double], outcomes: [Bool]) {
        precondition(scores.count == outcomes.count, "one outcome per score")
        let pairs = zip(scores, outcomes).filter { $0.0.isFinite }.sorted { left, right in
            left.0 != right.0 ? left.0 < right.0 : (!left.1 && right.1)
        }
        guard !pairs.isEmpty else { return nil }
        let points = uniqueScorePoints(pairs)
        let fitted = poolAdjacentViolators(points.shares, weights: points.weights).map { min(max($0, 0), 1) }
        var keptScores: [Double] = []
        var keptProbabilities: [Double] = []
        for index in fitted.indices {
            let isEnd = index == 0 || index == fitted.count - 1
            if isEnd || fitted[index] != fitted[index - 1] || fitted[index] != fitted[index + 1] {
                keptScores.append(points.scores[index])
                keptProbabilities.append(fitted[index])
            }
        }
        thresholds = keptScores
        probabilities = keptProbabilities
    }

    /// A calibration fitted earlier, from its thresholds and their probabilities (as stored).
    public init(thresholds: [Double], probabilities: [Double]) {
        precondition(!thresholds.isEmpty && thresholds.count == probabilities.count, "one probability per threshold")
        self.thresholds = thresholds
        self.probabilities = probabilities
    }

    /// The calibrated probability of `score`; NaN for NaN.
    public func calibrate(_ score: Double) -> Double {
        if score.isNaN { return score }
        let last = thresholds.count - 1
        if last == 0 { return probabilities[0] }
        let clipped = min(max(score, thresholds[0]), thresholds[last])
        // The last threshold at or below the score.
        var low = 0
        var high = last
        while low < high {
            let middle = (low + high + 1) / 2
            if thresholds[middle] <= clipped { low = middle } else { high = middle - 1 }
        }
        // np.interp answers a threshold's own value exactly rather than through the slope.
        if low == last || thresholds[low] == clipped { return probabilities[low] }
        let slope = (probabilities[low + 1] - probabilities[low]) / (thresholds[low + 1] - thresholds[low])
        return slope * (clipped - thresholds[low]) + probabilities[low]
    }

    /// The calibrated probability of each score.
    public func calibrate(_ scores: [Double]) -> [Double] {
        scores.map(calibrate)
    }
}

/// sklearn's `_make_unique` on pairs sorted by score: one point per run of scores that lie less
/// than 1e-15 above the run's first score, carrying that first score, the share of positive
/// outcomes and the run's length as weight.
private func uniqueScorePoints(_ sortedPairs: [(Double, Bool)]) -> (scores: [Double], shares: [Double], weights: [Double]) {
    // np.finfo(np.float64).resolution: an absolute tolerance in sklearn, whatever the scale.
    let resolution = 1e-15
    var scores: [Double] = []
    var shares: [Double] = []
    var weights: [Double] = []
    var runScore = sortedPairs[0].0
    var positives = 0.0
    var count = 0.0
    for (score, outcome) in sortedPairs {
        if score - runScore >= resolution {
            scores.append(runScore)
            shares.append(positives / count)
            weights.append(count)
            runScore = score
            positives = 0
            count = 0
        }
        count += 1
        if outcome { positives += 1 }
    }
    scores.append(runScore)
    shares.append(positives / count)
    weights.append(count)
    return (scores, shares, weights)
}
