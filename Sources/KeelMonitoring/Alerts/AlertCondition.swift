import Foundation
public import KeelCore

/// `METRIC OP NUMBER`, e.g. `drift_share > 0.3` (docs/monitoring.md, "Alerts").
public struct AlertCondition: Sendable, Hashable, CustomStringConvertible {
    /// A comparison.
    public typealias Comparison = ComparisonOperator

    /// The metric watched.
    public var metric: AlertMetric
    /// How it is compared.
    public var comparison: Comparison
    /// With what.
    public var bound: Double

    /// Parses a condition; INVALID_PARAMETER_VALUE saying what is wrong.
    public init(parsing text: String) throws(KeelError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Two-character operators first, so `>=` is not read as `>` followed by `=0.3`.
        let found = Comparison.allCases.lazy.compactMap { comparison in
            trimmed.range(of: comparison.rawValue).map { (comparison, $0) }
        }.first
        guard let (comparison, range) = found else {
            throw .invalidParameter("The condition '\(text)' has no comparison: write METRIC OP NUMBER, OP one of > >= < <= == !=, e.g. 'drift_share > 0.3'.")
        }
        let name = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let number = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard let bound = Double(number), bound.isFinite else {
            throw .invalidParameter("The condition '\(text)' must end in a number, got '\(number)'.")
        }
        metric = try AlertMetric(parsing: name)
        self.comparison = comparison
        self.bound = bound
    }

    /// Whether `value` makes the condition true.
    public func holds(_ value: Double) -> Bool {
        comparison.holds(value, bound)
    }

    /// The condition as written back: `metric op bound`.
    public var description: String {
        "\(metric) \(comparison.rawValue) \(LooseJSON.text(bound))"
    }
}

/// What an alert rule can watch.
public enum AlertMetric: Sendable, Hashable, CustomStringConvertible {
    /// The share of drifted columns.
    case driftShare
    /// How many columns drifted.
    case driftedColumns
    /// 1 when the data set drifted, else 0.
    case datasetDrift
    /// One column's drift score.
    case columnDrift(String)
    /// A performance metric from feedback (`accuracy`, `rmse`, …).
    case performance(String)
    /// An estimated performance metric (`estimated_accuracy`, …), needing no labels.
    case estimated(String)
    /// A latency percentile in milliseconds (50, 95, 99).
    case latency(percentile: Int)
    /// Failed requests over all requests.
    case errorRate
    /// Requests in the window.
    case requests

    static let performanceNames = ["accuracy", "precision", "recall", "f1", "roc_auc", "mae", "rmse", "r2"]
    static let estimatedNames = ["accuracy", "precision", "recall", "f1", "roc_auc"]

    init(parsing name: String) throws(KeelError) {
        switch name {
        case "drift_share": self = .driftShare
        case "drifted_columns": self = .driftedColumns
        case "dataset_drift": self = .datasetDrift
        case "latency_p50_ms": self = .latency(percentile: 50)
        case "latency_p95_ms": self = .latency(percentile: 95)
        case "latency_p99_ms": self = .latency(percentile: 99)
        case "error_rate": self = .errorRate
        case "requests": self = .requests
        default:
            if name.hasPrefix("drift."), name.count > 6 {
                self = .columnDrift(String(name.dropFirst(6)))
            } else if Self.performanceNames.contains(name) {
                self = .performance(name)
            } else if name.hasPrefix("estimated_"), Self.estimatedNames.contains(String(name.dropFirst(10))) {
                self = .estimated(String(name.dropFirst(10)))
            } else {
                throw .invalidParameter(
                    "Unknown metric '\(name)'. Use drift_share, drifted_columns, dataset_drift, drift.COLUMN, "
                        + Self.performanceNames.joined(separator: ", ") + ", estimated_accuracy (and estimated_precision, estimated_recall, "
                        + "estimated_f1, estimated_roc_auc), latency_p50_ms, latency_p95_ms, latency_p99_ms, error_rate or requests."
                )
            }
        }
    }

    /// The metric's name as a condition writes it.
    public var description: String {
        switch self {
        case .driftShare: "drift_share"
        case .driftedColumns: "drifted_columns"
        case .datasetDrift: "dataset_drift"
        case .columnDrift(let column): "drift.\(column)"
        case .performance(let name): name
        case .estimated(let name): "estimated_\(name)"
        case .latency(let percentile): "latency_p\(percentile)_ms"
        case .errorRate: "error_rate"
        case .requests: "requests"
        }
    }
}
