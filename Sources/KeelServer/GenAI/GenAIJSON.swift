import Foundation
import KeelGenAI
import KeelMonitoring

/// JSON shapes of the GenAI loop's answers: per-version statistics and comparisons.
enum GenAIJSON {
    static func statistics(_ statistics: ArmStatistics) -> [String: Any] {
        [
            "version": String(statistics.version),
            "traces": statistics.traces,
            "errors": statistics.errors,
            "latency_ms": moments(statistics.latencyMilliseconds),
            "total_tokens": moments(statistics.totalTokens),
            "feedback": statistics.feedback.mapValues { feedback -> [String: Any] in
                var json = moments(feedback.values)
                json["kind"] = feedback.kind.rawValue
                if feedback.kind == .boolean {
                    json["positive"] = Int64(feedback.values.sum.rounded())
                    json["rate"] = json["mean"]
                }
                return json
            },
        ]
    }

    static func moments(_ moments: Moments) -> [String: Any] {
        [
            "count": moments.count,
            "mean": number(moments.mean),
            "std": number(moments.variance.map { $0.squareRoot() }),
        ]
    }

    static func comparison(_ comparison: ArmComparison) -> [String: Any] {
        func side(_ side: ArmComparison.Side) -> [String: Any] {
            statistics(side.statistics).merging(["label": side.label]) { _, new in new }
        }
        return [
            "name": comparison.subject.name,
            "kind": comparison.subject.kind.rawValue,
            "start_time_ms": comparison.start,
            "end_time_ms": comparison.end,
            "significance_level": ArmComparison.significanceLevel,
            "a": side(comparison.a),
            "b": side(comparison.b),
            "metrics": comparison.metrics.map(metric),
        ]
    }

    static func metric(_ metric: MetricComparison) -> [String: Any] {
        var json: [String: Any] = [
            "metric": metric.metric, "method": metric.method,
            "count_a": metric.countA, "count_b": metric.countB,
            "value_a": number(metric.valueA), "value_b": number(metric.valueB),
            "significant": metric.significant,
        ]
        // Every key is always there, null when the test cannot be computed (then `note` says why).
        let test = metric.test
        json["statistic"] = number(test?.statistic)
        json["p_value"] = number(test?.pValue)
        json["difference"] = number(test?.difference)
        json["ci_low"] = number(test?.confidenceInterval.low)
        json["ci_high"] = number(test?.confidenceInterval.high)
        json["df"] = number(test?.degreesOfFreedom)
        json["note"] = metric.note ?? NSNull()
        return json
    }

    /// JSON has no NaN or infinity: those, like a missing value, are null.
    static func number(_ value: Double?) -> Any {
        guard let value, value.isFinite else { return NSNull() }
        return value
    }
}
