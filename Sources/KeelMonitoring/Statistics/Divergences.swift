import Foundation

/// scipy's `jensenshannon(p, q)` with the natural log: the Jensen–Shannon **distance**, the
/// square root of the divergence. Both vectors are normalised first; empty bins add nothing.
public func jensenShannonDistance(_ p: [Double], _ q: [Double]) -> Double {
    precondition(p.count == q.count, "Jensen-Shannon needs two distributions over the same bins")
    let sumP = pairwiseSum(p)
    let sumQ = pairwiseSum(q)
    let normalisedP = p.map { $0 / sumP }
    let normalisedQ = q.map { $0 / sumQ }
    let middle = zip(normalisedP, normalisedQ).map { ($0 + $1) / 2 }
    let left = pairwiseSum(zip(normalisedP, middle).map(relativeEntropy))
    let right = pairwiseSum(zip(normalisedQ, middle).map(relativeEntropy))
    return ((left + right) / 2).squareRoot()
}

/// scipy's `rel_entr(x, y)`: `x log(x/y)`, 0 when `x` is 0, infinite when only `y` is 0.
func relativeEntropy(_ x: Double, _ y: Double) -> Double {
    if x > 0 && y > 0 { return x * log(x / y) }
    if x == 0 && y >= 0 { return 0 }
    return .infinity
}

/// Population stability index over shares whose zeros were filled
/// (``BinnedShares/withZeroesFilled()``): `Σ (r − c) · ln(r / c)`.
public func populationStabilityIndex(_ shares: BinnedShares) -> Double {
    pairwiseSum(zip(shares.reference, shares.current).map { ($0 - $1) * log($0 / $1) })
}
