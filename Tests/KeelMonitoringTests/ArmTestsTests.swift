import Foundation
@testable import KeelMonitoring
import Testing

/// The A/B significance tests against scipy 1.17.1 on the same numbers (values printed by
/// `scipy.special.betainc`, `scipy.stats.t`, `ttest_ind(equal_var=False)` and
/// `chi2_contingency(correction=False)`), to 1e-9 relative.
@Suite("A/B significance tests")
struct ArmTestsTests {
    static func close(_ value: Double, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(value - expected) <= tolerance * max(abs(expected), 1e-300)
    }

    @Test("regularized incomplete beta", arguments: [
        (0.5, 0.5, 0.3, 0.36901011956554536), (2.5, 0.5, 0.9, 0.48958974456442755), (10, 0.5, 0.2, 1.994982493613096e-08),
        (150, 0.5, 0.99, 0.0827480032540805), (3, 4, 0.5, 0.65625),
    ])
    func incompleteBeta(a: Double, b: Double, x: Double, expected: Double) {
        #expect(Self.close(regularizedIncompleteBeta(a, b, x), expected), "I_\(x)(\(a), \(b))")
    }

    @Test("Student t survival and quantile", arguments: [
        (0.5, 3.0, 0.3257239824240755), (2.1, 10.5, 0.030389228480411333), (4.0, 1.0, 0.07797913037736932),
        (1.96, 1e6, 0.024998033792634926), (10, 30, 2.287625704114809e-11),
    ])
    func studentT(t: Double, df: Double, expected: Double) {
        #expect(Self.close(studentTSurvival(t, degreesOfFreedom: df), expected, 1e-8))
        #expect(Self.close(studentTSurvival(-t, degreesOfFreedom: df), 1 - expected, 1e-8))
    }

    @Test("Welch's t-test matches ttest_ind(b, a, equal_var=False)")
    func welch() throws {
        var a = Moments(), b = Moments()
        [3.1, 2.7, 4.0, 3.3, 2.9, 3.8, 3.0].forEach { a.add($0) }
        [3.9, 4.2, 3.6, 4.8, 4.1, 3.7, 4.4, 4.0].forEach { b.add($0) }
        let test = try #require(welchTTest(a, b))
        #expect(Self.close(test.statistic, 3.6583942931757796))
        #expect(Self.close(test.pValue, 0.003469150010681267, 1e-8))
        #expect(Self.close(try #require(test.degreesOfFreedom), 11.574704485757364))
        #expect(Self.close(test.confidenceInterval.low, 0.3338023586666796, 1e-8))
        #expect(Self.close(test.confidenceInterval.high, 1.3269119270476069, 1e-8))
        #expect(Self.close(studentTQuantile(0.975, degreesOfFreedom: 7.3), 2.345066736547703, 1e-10))
    }

    @Test("two-proportion z-test matches the uncorrected chi-square test")
    func proportions() throws {
        let test = try #require(twoProportionZTest(successesA: 45, totalA: 100, successesB: 62, totalB: 100))
        #expect(Self.close(test.statistic, 2.4100749907751173))
        #expect(Self.close(test.pValue, 0.015949241866093342, 1e-8))
        #expect(Self.close(test.difference, 0.17))
        #expect(test.confidenceInterval.low < 0.17 && test.confidenceInterval.high > 0.17)
    }

    @Test("undefined tests are nil, not NaN")
    func undefined() {
        #expect(twoProportionZTest(successesA: 0, totalA: 0, successesB: 3, totalB: 5) == nil)
        #expect(twoProportionZTest(successesA: 5, totalA: 5, successesB: 9, totalB: 9) == nil)
        #expect(twoProportionZTest(successesA: 6, totalA: 5, successesB: 1, totalB: 9) == nil)
        var one = Moments(), flat = Moments()
        one.add(1)
        [2, 2, 2].forEach { flat.add($0) }
        #expect(welchTTest(one, flat) == nil)
        #expect(welchTTest(flat, flat) == nil)
    }
}
