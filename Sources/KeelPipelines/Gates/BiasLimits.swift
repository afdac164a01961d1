/// The bias a gate tolerates on a sensitive column; a limit left nil is not checked.
public struct BiasLimits: Sendable, Equatable {
    /// Largest allowed gap between groups' selection rates.
    public var maxDemographicParityDifference: Double?
    /// Largest allowed gap between groups' true or false positive rates.
    public var maxEqualizedOddsDifference: Double?
    /// Smallest allowed ratio of the least to the most selected group (0.8: the four-fifths rule).
    public var minDisparateImpactRatio: Double?

    /// Limits on any of the three metrics.
    public init(maxDemographicParityDifference: Double? = nil, maxEqualizedOddsDifference: Double? = nil, minDisparateImpactRatio: Double? = nil) {
        self.maxDemographicParityDifference = maxDemographicParityDifference
        self.maxEqualizedOddsDifference = maxEqualizedOddsDifference
        self.minDisparateImpactRatio = minDisparateImpactRatio
    }

    /// One limit checked against the report.
    public struct Finding: Sendable, Equatable {
        /// Fairlearn's name for the metric.
        public var metric: String
        public var value: Double
        public var limit: Double
        /// `max` when the value must stay at or below the limit, `min` when at or above.
        public var kind: String
        public var passed: Bool

        /// A sentence for logs and the gate report.
        public var explanation: String {
            let relation = kind == "max" ? "at most" : "at least"
            guard !value.isNaN else { return "\(metric) cannot be computed (no group has a non-zero rate); it must be \(relation) \(limit)" }
            return "\(metric) = \(value), \(passed ? "within" : "outside") the limit (\(relation) \(limit))"
        }
    }

    /// Every set limit, checked. A metric that cannot be computed (NaN) fails its limit.
    public func check(_ report: FairnessReport) -> [Finding] {
        var findings: [Finding] = []
        if let limit = maxDemographicParityDifference {
            let value = report.demographicParityDifference
            findings.append(Finding(metric: "demographic_parity_difference", value: value, limit: limit, kind: "max", passed: value <= limit))
        }
        if let limit = maxEqualizedOddsDifference {
            let value = report.equalizedOddsDifference
            findings.append(Finding(metric: "equalized_odds_difference", value: value, limit: limit, kind: "max", passed: value <= limit))
        }
        if let limit = minDisparateImpactRatio {
            let value = report.demographicParityRatio
            findings.append(Finding(metric: "disparate_impact_ratio", value: value, limit: limit, kind: "min", passed: value >= limit))
        }
        return findings
    }
}
