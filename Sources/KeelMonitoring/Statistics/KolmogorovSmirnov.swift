import Foundation

/// Which p-value computation a Kolmogorov–Smirnov test used.
public enum KSMethod: String, Sendable {
    /// The exact distribution of the two-sample statistic (scipy's default up to 10,000 rows).
    case exact
    /// Kolmogorov's limiting distribution (larger samples, or when the exact sum overflows).
    case asymptotic
}

/// The two-sided two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(method="auto")`.
///
/// Up to 10,000 rows per side the p-value is exact and agrees with scipy to 1e-9. Above that,
/// scipy evaluates the one-sample distribution at `N = round(mn/(m+n))`; Keel uses
/// Kolmogorov's limit of that distribution, which differs from scipy's by O(1/√N) (below
/// 0.5% relative for the sizes where it applies). See docs/drift-evidently-defaults.md §7.1.
public func kolmogorovSmirnovTest(_ sample1: [Double], _ sample2: [Double]) -> (result: TestResult, method: KSMethod) {
    precondition(!sample1.isEmpty && !sample2.isEmpty, "the KS test needs two non-empty samples")
    let n1 = sample1.count
    let n2 = sample2.count
    let statistic = ksStatistic(sample1, sample2)
    if max(n1, n2) <= 10_000 {
        let g = greatestCommonDivisor(n1, n2)
        let lcm = (n1 / g) * n2
        let h = Int((statistic * Double(lcm)).rounded(.toNearestOrEven))
        let rounded = Double(h) / Double(lcm)
        if h == 0 { return (TestResult(statistic: rounded, pValue: 1), .exact) }
        let p = n1 == n2 ? probabilityOutsideSquare(n: n1, h: h) : outerProbabilityInside(n1, n2, g: g, h: h)
        if (0...1).contains(p) { return (TestResult(statistic: rounded, pValue: p), .exact) }
        // scipy falls back to the asymptotic value when the exact sum leaves [0, 1].
        return (TestResult(statistic: rounded, pValue: asymptoticPValue(rounded, n1, n2)), .asymptotic)
    }
    return (TestResult(statistic: statistic, pValue: asymptoticPValue(statistic, n1, n2)), .asymptotic)
}

/// The largest distance between the two empirical CDFs.
func ksStatistic(_ sample1: [Double], _ sample2: [Double]) -> Double {
    let first = sample1.sorted()
    let second = sample2.sorted()
    var index1 = 0
    var index2 = 0
    var largest = 0.0
    var smallest = 0.0
    for value in (first + second).sorted() {
        while index1 < first.count, first[index1] <= value { index1 += 1 }
        while index2 < second.count, second[index2] <= value { index2 += 1 }
        let difference = Double(index1) / Double(first.count) - Double(index2) / Double(second.count)
        largest = max(largest, difference)
        smallest = min(smallest, difference)
    }
    let negative = min(max(-smallest, 0), 1)
    return negative > largest ? negative : largest
}

/// scipy's `_compute_prob_outside_square(n, h)`: equal sample sizes.
func probabilityOutsideSquare(n: Int, h: Int) -> Double {
    var total = 0.0
    var k = Int((Double(n) / Double(h)).rounded(.down))
    while k >= 0 {
        var term = 1.0
        for j in 0..<h {
            term = Double(n - k * h - j) * term / Double(n + k * h + j + 1)
        }
        total = term * (1.0 - total)
        k -= 1
    }
    return 2 * total
}

/// scipy's `_compute_outer_prob_inside_method(m, n, g, h)` (Hodges' inside method computing
/// 1 − p directly).
func outerProbabilityInside(_ first: Int, _ second: Int, g: Int, h: Int) -> Double {
    let m = max(first, second)
    let n = min(first, second)
    let mg = m / g
    let ng = n / g
    var minj = 0
    var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
    var curlen = maxj - minj
    let lenA = min(2 * maxj + 2, n + 1)
    var a = [Double](repeating: 1.0, count: lenA)
    for index in 0..<min(maxj, lenA) { a[index] = 0 }
    for i in 1...m {
        let lastminj = minj
        let lastlen = curlen
        minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
        minj = min(minj, n)
        maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
        if maxj <= minj { return 1.0 }
        var value = minj == 0 ? 0.0 : 1.0
        for jj in 0..<(maxj - minj) {
            let j = jj + minj
            value = (a[jj + minj - lastminj] * Double(i) + value * Double(j)) / Double(i + j)
            a[jj] = value
        }
        curlen = maxj - minj
        if lastlen > curlen {
            for index in (maxj - minj)..<(maxj - minj + lastlen - curlen) { a[index] = 1.0 }
        }
    }
    return a[maxj - minj - 1]
}

/// Kolmogorov's limiting survival function at `√N · d`, `N = round(mn / (m + n))`.
func asymptoticPValue(_ statistic: Double, _ n1: Int, _ n2: Int) -> Double {
    let m = Double(max(n1, n2))
    let n = Double(min(n1, n2))
    let effective = (m * n / (m + n)).rounded(.toNearestOrEven)
    if statistic <= 0.5 / effective { return 1 }
    if statistic >= 1 { return 0 }
    return min(max(kolmogorovSurvival(effective.squareRoot() * statistic), 0), 1)
}

/// `kstwobign.sf(x)`: `2 Σ (−1)^(k−1) exp(−2k²x²)`, or the theta-function form for small x.
func kolmogorovSurvival(_ x: Double) -> Double {
    if x <= 0 { return 1 }
    if x < 1 {
        // 1 − (√(2π)/x) Σ exp(−(2k−1)²π²/(8x²)) converges fast for small x.
        let factor = -Double.pi * Double.pi / (8 * x * x)
        var sum = 0.0
        for k in 1...20 {
            let odd = Double(2 * k - 1)
            sum += exp(odd * odd * factor)
        }
        return 1 - (2 * Double.pi).squareRoot() / x * sum
    }
    var sum = 0.0
    for k in 1...100 {
        let term = exp(-2 * Double(k * k) * x * x)
        sum += k % 2 == 1 ? term : -term
        if term < 1e-300 { break }
    }
    return 2 * sum
}

func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}
