import Foundation

/// ROC-AUC as `sklearn.metrics.roc_auc_score(positives, scores)` computes it; `nil` when only one
/// class is present (sklearn warns and answers NaN) or a score is not finite (sklearn refuses).
///
/// sklearn's `roc_curve` (`sklearn/metrics/_ranking.py`): rows sorted by descending score, one
/// curve point per distinct score (so tied scores count half, as in the Mann–Whitney statistic),
/// collinear points dropped (`drop_intermediate`), `(0, 0)` prepended, rates over the last point,
/// then the trapezoidal area (`auc`).
func rocAUCScore(positives: [Bool], scores: [Double]) -> Double? {
    precondition(positives.count == scores.count, "ROC-AUC needs one score per label")
    guard scores.allSatisfy(\.isFinite) else { return nil }
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    // Cumulative counts at the last row of each run of equal scores.
    var truePositives: [Double] = []
    var falsePositives: [Double] = []
    var positiveCount = 0.0
    for (rank, row) in order.enumerated() {
        if positives[row] { positiveCount += 1 }
        if rank == order.count - 1 || scores[order[rank + 1]] != scores[row] {
            truePositives.append(positiveCount)
            falsePositives.append(Double(1 + rank) - positiveCount)
        }
    }
    guard let allPositives = truePositives.last, let allNegatives = falsePositives.last,
          allPositives > 0, allNegatives > 0 else { return nil }
    var kept = droppingCollinearPoints(truePositives, falsePositives)
    kept.truePositives.insert(0, at: 0)
    kept.falsePositives.insert(0, at: 0)
    return trapezoidArea(
        x: kept.falsePositives.map { $0 / allNegatives },
        y: kept.truePositives.map { $0 / allPositives }
    )
}

/// sklearn's `drop_intermediate`: keeps the ends and every point where either coordinate's
/// second difference is not zero; the area does not change, only its rounding.
private func droppingCollinearPoints(_ tps: [Double], _ fps: [Double]) -> (truePositives: [Double], falsePositives: [Double]) {
    guard tps.count > 2 else { return (tps, fps) }
    var keptTPs = [tps[0]]
    var keptFPs = [fps[0]]
    for index in 1..<(tps.count - 1) {
        let bendTP = (tps[index + 1] - tps[index]) - (tps[index] - tps[index - 1])
        let bendFP = (fps[index + 1] - fps[index]) - (fps[index] - fps[index - 1])
        if bendTP != 0 || bendFP != 0 {
            keptTPs.append(tps[index])
            keptFPs.append(fps[index])
        }
    }
    keptTPs.append(tps[tps.count - 1])
    keptFPs.append(fps[fps.count - 1])
    return (keptTPs, keptFPs)
}

/// The area under a curve by the trapezoidal rule, as `sklearn.metrics.auc`: `x` must be
/// monotonic (a falling `x` gives the area with its sign flipped back); `nil` when it is neither
/// rising nor falling (sklearn raises) or has fewer than two points.
func trapezoidArea(x: [Double], y: [Double]) -> Double? {
    guard x.count >= 2, x.count == y.count else { return nil }
    var rises = false
    var falls = false
    for index in 1..<x.count {
        if x[index] < x[index - 1] { falls = true } else if x[index] > x[index - 1] { rises = true }
    }
    if falls && rises { return nil }
    var area = 0.0
    for index in 1..<x.count {
        // scipy's trapezoid evaluates `dx * (y0 + y1) / 2.0` in this order.
        area += (x[index] - x[index - 1]) * (y[index] + y[index - 1]) / 2.0
    }
    return falls ? -area : area
}
