import Foundation

/// The outcome of a two-sample test: its statistic and p-value.
public struct TestResult: Sendable, Equatable {
    /// The test statistic.
    public var statistic: Double
    /// The probability of a statistic at least this extreme if both samples share a distribution.
    public var pValue: Double
}

/// Evidently's chi-square test on categories: current counts against reference counts
/// scaled to the current sample size, `df = categories − 1`.
///
/// A category that only the current data has gives an infinite statistic and p = 0.
public func chiSquareTest<Value: Hashable & Comparable>(reference: [Value?], current: [Value?], order: [Value]? = nil) -> TestResult {
    chiSquareTest(PairedCounts(reference: reference, current: current, order: order))
}

/// The chi-square test on counts already made.
public func chiSquareTest(_ counts: PairedCounts) -> TestResult {
    let scale = Double(counts.currentTotal) / Double(counts.referenceTotal)
    let terms = counts.reference.indices.map { index -> Double in
        let expected = Double(counts.reference[index]) * scale
        let observed = Double(counts.current[index])
        return (observed - expected) * (observed - expected) / expected
    }
    let statistic = pairwiseSum(terms)
    return TestResult(statistic: statistic, pValue: chiSquareSurvival(statistic, degreesOfFreedom: Double(counts.distinctValues - 1)))
}

/// Evidently's two-sided Z-test for two proportions (columns with at most two values).
///
/// The pooled share is computed as Evidently writes it, `(p1·n1 + p2·n2) / (n1 + n2)`.
public func proportionsZTest<Value: Hashable & Comparable>(reference: [Value?], current: [Value?]) -> TestResult {
    proportionsZTest(PairedCounts(reference: reference, current: current))
}

/// The Z-test on counts already made.
public func proportionsZTest(_ counts: PairedCounts) -> TestResult {
    let inReference = counts.reference.indices.filter { counts.reference[$0] > 0 }
    let inCurrent = counts.current.indices.filter { counts.current[$0] > 0 }
    if inReference.count == 1, inReference == inCurrent {
        // One and the same value on both sides: Evidently answers p = 1 without a statistic.
        return TestResult(statistic: .nan, pValue: 1)
    }
    guard let first = counts.smallest else { return TestResult(statistic: .nan, pValue: .nan) }
    // Missing values count as "not the first key", as Evidently's list comprehension does.
    let n1 = Double(counts.referenceTotal)
    let n2 = Double(counts.currentTotal)
    let p1 = Double(counts.referenceTotal - counts.reference[first]) / n1
    let p2 = Double(counts.currentTotal - counts.current[first]) / n2
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    let z = (p1 - p2) / (pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2)).squareRoot()
    return TestResult(statistic: z, pValue: 2 * (1 - standardNormalCDF(abs(z))))
}

/// Φ(x), the standard normal CDF (`scipy.special.ndtr`).
public func standardNormalCDF(_ x: Double) -> Double {
    let scaled = x / 2.0.squareRoot()
    if abs(scaled) < 1 / 2.0.squareRoot() {
        return 0.5 + 0.5 * erf(scaled)
    }
    return scaled > 0 ? 1 - 0.5 * erfc(scaled) : 0.5 * erfc(-scaled)
}

/// The chi-square survival function `P(X² ≥ x)` with `k` degrees of freedom (`chdtrc`).
public func chiSquareSurvival(_ x: Double, degreesOfFreedom k: Double) -> Double {
    if x.isNaN || k <= 0 { return .nan }
    if x <= 0 { return 1 }
    if x.isInfinite { return 0 }
    return regularizedUpperGamma(k / 2, x / 2)
}

/// Q(a, x) = Γ(a, x) / Γ(a): a power series below `a + 1`, Lentz's continued fraction above.
func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
    if x < a + 1 { return 1 - regularizedLowerGammaSeries(a, x) }
    return upperGammaContinuedFraction(a, x)
}

private func regularizedLowerGammaSeries(_ a: Double, _ x: Double) -> Double {
    var term = 1 / a
    var sum = term
    var denominator = a
    for _ in 0..<10_000 {
        denominator += 1
        term *= x / denominator
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
    }
    return sum * exp(-x + a * log(x) - lgamma(a))
}

private func upperGammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
    let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for index in 1...10_000 {
        let an = -Double(index) * (Double(index) - a)
        b += 2
        d = an * d + b
        if abs(d) < tiny { d = tiny }
        c = b + an / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-17 { break }
    }
    return exp(-x + a * log(x) - lgamma(a)) * h
}
