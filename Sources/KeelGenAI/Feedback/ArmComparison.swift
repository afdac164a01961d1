public import KeelMonitoring

/// Two versions side by side over one window, with a significance test per metric.
public struct ArmComparison: Sendable {
    /// One side: its label and statistics.
    public struct Side: Sendable {
        /// `A`, `B` or the A/B test's label.
        public var label: String
        /// What its traces show.
        public var statistics: ArmStatistics
    }

    /// The prompt or model compared.
    public var subject: GenAISubject
    /// The window, epoch milliseconds, `[start, end)`.
    public var start: Int64
    /// The window's end.
    public var end: Int64
    /// The control.
    public var a: Side
    /// The challenger.
    public var b: Side

    /// The p-value below which a difference is called significant.
    public static let significanceLevel = 0.05

    /// One comparison per metric: each feedback name, the error rate, latency and tokens.
    public var metrics: [MetricComparison] {
        var metrics: [MetricComparison] = []
        let names = Set(a.statistics.feedback.keys).union(b.statistics.feedback.keys).sorted()
        for name in names {
            let left = a.statistics.feedback[name], right = b.statistics.feedback[name]
            let kind: FeedbackStatistics.Kind = (left?.kind ?? .boolean) == .boolean && (right?.kind ?? .boolean) == .boolean ? .boolean : .number
            metrics.append(kind == .boolean
                ? .proportions("feedback.\(name)", left?.values ?? Moments(), right?.values ?? Moments())
                : .means("feedback.\(name)", left?.values ?? Moments(), right?.values ?? Moments()))
        }
        let errorsA = Moments(count: a.statistics.traces, sum: Double(a.statistics.errors), sumOfSquares: Double(a.statistics.errors))
        let errorsB = Moments(count: b.statistics.traces, sum: Double(b.statistics.errors), sumOfSquares: Double(b.statistics.errors))
        metrics.append(.proportions("error_rate", errorsA, errorsB))
        metrics.append(.means("latency_ms", a.statistics.latencyMilliseconds, b.statistics.latencyMilliseconds))
        if a.statistics.totalTokens.count + b.statistics.totalTokens.count > 0 {
            metrics.append(.means("total_tokens", a.statistics.totalTokens, b.statistics.totalTokens))
        }
        return metrics
    }
}

/// One metric compared between two arms.
public struct MetricComparison: Sendable {
    /// `feedback.NAME`, `error_rate`, `latency_ms` or `total_tokens`.
    public var metric: String
    /// `two-proportion z-test` or `Welch t-test`.
    public var method: String
    /// Observations on each side.
    public var countA: Int64, countB: Int64
    /// A's rate or mean, nil without observations.
    public var valueA: Double?
    /// B's rate or mean.
    public var valueB: Double?
    /// The test, nil when it cannot be computed (see `note`).
    public var test: ArmTest?
    /// Why there is no test.
    public var note: String?

    /// Whether B differs from A at the 5% level.
    public var significant: Bool { (test?.pValue).map { $0 < ArmComparison.significanceLevel } ?? false }

    static func proportions(_ metric: String, _ a: Moments, _ b: Moments) -> MetricComparison {
        let test = twoProportionZTest(successesA: Int64(a.sum.rounded()), totalA: a.count, successesB: Int64(b.sum.rounded()), totalB: b.count)
        return MetricComparison(
            metric: metric, method: "two-proportion z-test", countA: a.count, countB: b.count, valueA: a.mean, valueB: b.mean, test: test,
            note: test != nil ? nil : (a.count == 0 || b.count == 0 ? "an arm has no observations" : "both arms answered all alike")
        )
    }

    static func means(_ metric: String, _ a: Moments, _ b: Moments) -> MetricComparison {
        let test = welchTTest(a, b)
        return MetricComparison(
            metric: metric, method: "Welch t-test", countA: a.count, countB: b.count, valueA: a.mean, valueB: b.mean, test: test,
            note: test != nil ? nil : (a.count < 2 || b.count < 2 ? "an arm has fewer than 2 observations" : "no spread in either arm")
        )
    }
}
