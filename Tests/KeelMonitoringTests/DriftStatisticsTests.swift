import Foundation
@testable import KeelMonitoring
import Testing

/// Keel's drift statistics against the values scipy and Evidently 0.7.23 computed on the same
/// data (docs/drift-evidently-defaults.md), to 1e-9 relative.
@Suite("Drift statistics")
struct DriftStatisticsTests {
    @Test("normed Wasserstein distance")
    func wasserstein() {
        let cases = FixtureValues.cases("wasserstein_norm_evidently")
        #expect(!cases.isEmpty)
        for fixture in cases {
            let reference = FixtureValues.numbers(fixture["reference"])
            let current = FixtureValues.numbers(fixture["current"])
            let expected = fixture["expected"] as! [String: Any]
            let name = fixture["name"] as! String
            #expect(close(wassersteinDistance(reference, current), FixtureValues.number(expected["wasserstein_distance"])), "\(name)")
            let value = normedWassersteinDistance(reference: reference, current: current)
            #expect(close(value, FixtureValues.number(expected["value"])), "\(name): \(value)")
            #expect((value >= 0.1) == (expected["drift_detected"] as! Bool), "\(name)")
        }
    }

    @Test("Sturges bins, Jensen-Shannon and PSI")
    func binnedDivergences() {
        let cases = FixtureValues.cases("jensenshannon_and_psi_evidently")
        #expect(!cases.isEmpty)
        for fixture in cases {
            let name = fixture["name"] as! String
            let shares: BinnedShares
            if fixture["binning"] as? String == "value_counts" {
                let order = (fixture["evidently_key_order"] as! [Any]).compactMap(FixtureValues.categoryKey)
                shares = .categorical(
                    reference: FixtureValues.categories(fixture["reference"]), current: FixtureValues.categories(fixture["current"]),
                    order: order
                )
            } else {
                let reference = FixtureValues.numbers(fixture["reference"])
                let current = FixtureValues.numbers(fixture["current"])
                let edges = sturgesBinEdges(reference + current)
                let expectedEdges = FixtureValues.numbers(fixture["bin_edges"])
                #expect(edges.count == expectedEdges.count, "\(name): \(edges.count) edges")
                #expect(zip(edges, expectedEdges).allSatisfy { close($0, $1) }, "\(name)")
                shares = .numerical(reference: reference, current: current)
            }
            let js = fixture["jensenshannon"] as! [String: Any]
            #expect(zip(shares.reference, FixtureValues.numbers(js["reference_percents"])).allSatisfy { close($0, $1) }, "\(name)")
            #expect(zip(shares.current, FixtureValues.numbers(js["current_percents"])).allSatisfy { close($0, $1) }, "\(name)")
            let distance = jensenShannonDistance(shares.reference, shares.current)
            #expect(close(distance, FixtureValues.number(js["value"])), "\(name): JS \(distance)")
            let psiExpected = fixture["psi"] as! [String: Any]
            let psi = populationStabilityIndex(shares.withZeroesFilled())
            #expect(close(psi, FixtureValues.number(psiExpected["value"])), "\(name): PSI \(psi)")
        }
    }

    @Test("chi-square test as Evidently calls it")
    func chiSquare() {
        let cases = FixtureValues.cases("chisquare_evidently")
        #expect(!cases.isEmpty)
        for fixture in cases {
            let name = fixture["name"] as! String
            let order = (fixture["evidently_key_order"] as! [Any]).compactMap(FixtureValues.categoryKey)
            let result = chiSquareTest(
                reference: FixtureValues.categories(fixture["reference"]), current: FixtureValues.categories(fixture["current"]),
                order: order
            )
            let expected = fixture["expected"] as! [String: Any]
            #expect(close(result.statistic, FixtureValues.number(expected["statistic"])), "\(name): \(result.statistic)")
            #expect(close(result.pValue, FixtureValues.number(expected["pvalue"])), "\(name): \(result.pValue)")
            #expect((result.pValue < 0.05) == (expected["drift_detected"] as! Bool), "\(name)")
        }
    }

    @Test("chi-square survival function over its branches")
    func chiSquareSurvivalFunction() {
        let cases = FixtureValues.cases("chi2_sf")
        #expect(cases.count > 100)
        for fixture in cases {
            let df = FixtureValues.number(fixture["df"])
            let x = FixtureValues.number(fixture["x"])
            let value = chiSquareSurvival(x, degreesOfFreedom: df)
            #expect(close(value, FixtureValues.number(fixture["sf"])), "df \(df), x \(x): \(value)")
        }
    }

    @Test("Z-test for two proportions")
    func zTest() {
        let cases = FixtureValues.cases("z_test_evidently")
        #expect(!cases.isEmpty)
        for fixture in cases {
            let name = fixture["name"] as! String
            let result = proportionsZTest(
                reference: FixtureValues.categories(fixture["reference"]), current: FixtureValues.categories(fixture["current"])
            )
            let expected = fixture["expected"] as! [String: Any]
            if let z = expected["z"] { #expect(close(result.statistic, FixtureValues.number(z)), "\(name): z \(result.statistic)") }
            #expect(close(result.pValue, FixtureValues.number(expected["pvalue"]), 1e-7), "\(name): p \(result.pValue)")
            #expect((result.pValue < 0.05) == (expected["drift_detected"] as! Bool), "\(name)")
        }
    }

    @Test("standard normal CDF")
    func normalCDF() {
        for fixture in FixtureValues.cases("ndtr") {
            let x = FixtureValues.number(fixture["x"])
            #expect(close(standardNormalCDF(x), FixtureValues.number(fixture["ndtr"])), "x \(x)")
        }
    }
}

extension DriftStatisticsTests {
    @Test("Kolmogorov-Smirnov: statistic and exact p-value as scipy's ks_2samp")
    func kolmogorovSmirnov() {
        let cases = FixtureValues.cases("ks_2samp")
        #expect(cases.count > 10)
        for fixture in cases {
            let name = fixture["name"] as! String
            let expected = (fixture["expected"] as! [String: Any])["auto"] as! [String: Any]
            let (result, method) = kolmogorovSmirnovTest(FixtureValues.numbers(fixture["reference"]), FixtureValues.numbers(fixture["current"]))
            #expect(close(result.statistic, FixtureValues.number(expected["statistic"])), "\(name): D \(result.statistic)")
            if expected["resolved_method"] as? String == "exact" {
                #expect(method == .exact, "\(name)")
                #expect(close(result.pValue, FixtureValues.number(expected["pvalue"])), "\(name): p \(result.pValue)")
            } else {
                // Kolmogorov's limit instead of scipy's finite-N distribution: same verdict, close value.
                #expect(method == .asymptotic, "\(name)")
                #expect(close(result.pValue, FixtureValues.number(expected["pvalue"]), 0.05), "\(name): p \(result.pValue)")
                #expect((result.pValue <= 0.05) == (FixtureValues.number(expected["pvalue"]) <= 0.05), "\(name)")
            }
        }
    }

    @Test("the exact KS kernels, bit for bit where scipy's are")
    func exactKernels() {
        let kernels = FixtureValues.all["ks_exact_kernels"] as! [String: Any]
        for fixture in kernels["prob_outside_square"] as! [[String: Any]] {
            let n = Int(FixtureValues.number(fixture["n"]))
            let h = Int(FixtureValues.number(fixture["h"]))
            #expect(close(probabilityOutsideSquare(n: n, h: h), FixtureValues.number(fixture["expected"]), 1e-12), "n \(n) h \(h)")
        }
        for fixture in kernels["outer_prob_inside_method"] as! [[String: Any]] {
            let (m, n, g, h) = (
                Int(FixtureValues.number(fixture["m"])), Int(FixtureValues.number(fixture["n"])),
                Int(FixtureValues.number(fixture["g"])), Int(FixtureValues.number(fixture["h"]))
            )
            #expect(close(outerProbabilityInside(m, n, g: g, h: h), FixtureValues.number(fixture["expected"]), 1e-12), "m \(m) n \(n) h \(h)")
        }
    }
}
