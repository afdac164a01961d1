import Foundation

/// Count, mean and spread of a sample, kept as sums so samples can be added up in SQL and merged.
public struct Moments: Sendable, Hashable {
    /// How many values.
    public var count: Int64
    /// Their sum.
    public var sum: Double
    /// The sum of their squares.
    public var sumOfSquares: Double

    /// Creates moments from sums already made.
    public init(count: Int64 = 0, sum: Double = 0, sumOfSquares: Double = 0) {
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// Adds one value.
    public mutating func add(_ value: Double) {
        count += 1
        sum += value
        sumOfSquares += value * value
    }

    /// Adds another sample's sums.
    public mutating func merge(_ other: Moments) {
        count += other.count
        sum += other.sum
        sumOfSquares += other.sumOfSquares
    }

    /// The mean, or nil for an empty sample.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// The sample variance (n − 1 in the denominator), or nil below two values.
    public var variance: Double? {
        guard count > 1 else { return nil }
        let n = Double(count)
        return max(0, (sumOfSquares - sum * sum / n) / (n - 1))
    }
}

/// A test of the difference between two arms, B − A.
public struct ArmTest: Sendable, Equatable {
    /// The statistic: z for proportions, t for means.
    public var statistic: Double
    /// The two-sided p-value.
    public var pValue: Double
    /// B's rate or mean minus A's.
    public var difference: Double
    /// The 95% confidence interval of the difference.
    public var confidenceInterval: (low: Double, high: Double)
    /// Welch–Satterthwaite degrees of freedom (means only).
    public var degreesOfFreedom: Double?

    public static func == (lhs: ArmTest, rhs: ArmTest) -> Bool {
        lhs.statistic.bitPattern == rhs.statistic.bitPattern && lhs.pValue.bitPattern == rhs.pValue.bitPattern
            && lhs.difference == rhs.difference && lhs.confidenceInterval == rhs.confidenceInterval
            && lhs.degreesOfFreedom == rhs.degreesOfFreedom
    }
}

/// The two-proportion z-test with the pooled standard error (thumbs up out of all thumbs):
/// the same p-value as `scipy.stats.chi2_contingency(..., correction=False)` on the 2×2 table.
/// The interval is Wald's, with each arm's own standard error. Nil when an arm is empty or
/// every answer on both sides is the same (the statistic is undefined).
public func twoProportionZTest(successesA: Int64, totalA: Int64, successesB: Int64, totalB: Int64) -> ArmTest? {
    guard totalA > 0, totalB > 0, (0...totalA).contains(successesA), (0...totalB).contains(successesB) else { return nil }
    let nA = Double(totalA), nB = Double(totalB)
    let pA = Double(successesA) / nA, pB = Double(successesB) / nB
    let pooled = Double(successesA + successesB) / (nA + nB)
    let pooledError = (pooled * (1 - pooled) * (1 / nA + 1 / nB)).squareRoot()
    guard pooledError > 0 else { return nil }
    let z = (pB - pA) / pooledError
    let waldError = (pA * (1 - pA) / nA + pB * (1 - pB) / nB).squareRoot()
    let margin = 1.959963984540054 * waldError
    return ArmTest(
        statistic: z, pValue: min(1, 2 * standardNormalCDF(-abs(z))), difference: pB - pA,
        confidenceInterval: (pB - pA - margin, pB - pA + margin), degreesOfFreedom: nil
    )
}

/// Welch's t-test for two means with unequal variances, as
/// `scipy.stats.ttest_ind(b, a, equal_var=False)`. Nil when an arm has fewer than two values or
/// both have no spread.
public func welchTTest(_ a: Moments, _ b: Moments) -> ArmTest? {
    guard let meanA = a.mean, let meanB = b.mean, let varianceA = a.variance, let varianceB = b.variance else { return nil }
    let errorA = varianceA / Double(a.count), errorB = varianceB / Double(b.count)
    let standardError = (errorA + errorB).squareRoot()
    guard standardError > 0 else { return nil }
    let t = (meanB - meanA) / standardError
    let df = (errorA + errorB) * (errorA + errorB)
        / (errorA * errorA / Double(a.count - 1) + errorB * errorB / Double(b.count - 1))
    let margin = studentTQuantile(0.975, degreesOfFreedom: df) * standardError
    return ArmTest(
        statistic: t, pValue: min(1, 2 * studentTSurvival(abs(t), degreesOfFreedom: df)), difference: meanB - meanA,
        confidenceInterval: (meanB - meanA - margin, meanB - meanA + margin), degreesOfFreedom: df
    )
}

/// P(T ≥ t) for Student's t with `df` degrees of freedom (`scipy.stats.t.sf`), t ≥ 0.
public func studentTSurvival(_ t: Double, degreesOfFreedom df: Double) -> Double {
    if t.isNaN || df.isNaN || df <= 0 { return .nan }
    if t.isInfinite { return t > 0 ? 0 : 1 }
    let tail = 0.5 * regularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t))
    return t >= 0 ? tail : 1 - tail
}

/// The t with `P(T ≤ t) = p`, found by bisection on the survival function (p in (0.5, 1)).
func studentTQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
    var low = 0.0, high = 1.0
    while studentTSurvival(high, degreesOfFreedom: df) > 1 - p, high < 1e12 { high *= 2 }
    for _ in 0..<200 {
        let middle = (low + high) / 2
        if studentTSurvival(middle, degreesOfFreedom: df) > 1 - p { low = middle } else { high = middle }
        if high - low <= 1e-13 * high { break }
    }
    return (low + high) / 2
}

/// I_x(a, b), the regularized incomplete beta function: Lentz's continued fraction, on whichever
/// side of the mean converges fast (Numerical Recipes §6.4).
func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
        return exp(logFront) * betaContinuedFraction(a, b, x) / a
    }
    return 1 - exp(logFront) * betaContinuedFraction(b, a, 1 - x) / b
}

private func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var result = d
    for m in 1...10_000 {
        let m = Double(m)
        let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + even * d
        if abs(d) < tiny { d = tiny }
        c = 1 + even / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        result *= d * c
        let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + odd * d
        if abs(d) < tiny { d = tiny }
        c = 1 + odd / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let step = d * c
        result *= step
        if abs(step - 1) < 1e-16 { break }
    }
    return result
}
