public import Foundation
import KeelCore
import KeelMonitoring

/// What a `gate` stage found: each condition and bias limit, and whether the model may go on.
public struct GateReport: Sendable, Encodable {
    /// One condition's outcome.
    public struct Condition: Sendable, Encodable {
        public var condition: String
        public var passed: Bool
        /// This run's value of the metric (nil when the metrics file lacks it).
        public var value: Double?
        /// The bound it was held to (nil when it could not be computed).
        public var bound: Double?
        public var detail: String
    }

    /// One bias limit's outcome.
    public struct BiasCheck: Sendable, Encodable {
        public var metric: String
        public var value: Double?
        public var limit: Double
        public var passed: Bool
        public var detail: String
    }

    /// One group's rates, for the report and the model card.
    public struct GroupRates: Sendable, Encodable {
        public var group: String
        public var count: Int
        public var selectionRate: Double
        public var truePositiveRate: Double
        public var falsePositiveRate: Double
    }

    public var conditions: [Condition]
    public var bias: [BiasCheck]
    /// Per group of the sensitive column, when the gate checks bias.
    public var groups: [GroupRates]
    /// The sensitive column the groups come from, when the gate checks bias.
    public var sensitive: String?
    /// Every condition and limit allowed the model through.
    public var passed: Bool { conditions.allSatisfy(\.passed) && bias.allSatisfy(\.passed) }
    /// Why the gate stopped the model, one line per failure.
    public var reasons: [String] { conditions.filter { !$0.passed }.map(\.detail) + bias.filter { !$0.passed }.map(\.detail) }

    /// Evaluates `spec` on the files in `directory`; `champion` is the champion's metrics, nil
    /// when there is no champion yet.
    public init(spec: GateSpec, directory: URL, champion: [String: Double]?) throws {
        var conditions: [Condition] = []
        if let metricsPath = spec.metrics {
            let metrics = try MetricsFile.read(directory.appendingPathComponent(metricsPath), name: metricsPath)
            for condition in spec.conditions {
                let outcome = condition.evaluate(metrics: metrics, champion: champion)
                let text = condition.description
                switch outcome {
                case .passed(let value, let bound):
                    conditions.append(Condition(condition: text, passed: true, value: value, bound: bound, detail: "\(text): \(condition.metric) = \(value), bound \(bound)"))
                case .failed(let value, let bound):
                    conditions.append(Condition(condition: text, passed: false, value: value, bound: bound, detail: "\(text) failed: \(condition.metric) = \(value), bound \(bound)"))
                case .noChampion(let value):
                    conditions.append(Condition(condition: text, passed: true, value: value, bound: nil, detail: "\(text): no champion yet, nothing to compare with"))
                case .missing:
                    conditions.append(Condition(condition: text, passed: false, value: nil, bound: nil, detail: "\(text) failed: \(metricsPath) has no metric '\(condition.metric)'"))
                case .championMissing(let value):
                    conditions.append(Condition(condition: text, passed: false, value: value, bound: nil, detail: "\(text) failed: the champion has no '\(condition.metric)' to compare with"))
                }
            }
        }
        self.conditions = conditions
        guard let biasSpec = spec.bias else {
            bias = []
            groups = []
            sensitive = nil
            return
        }
        sensitive = biasSpec.sensitive
        let report = try Self.fairness(biasSpec, directory: directory)
        bias = biasSpec.limits.check(report).map {
            BiasCheck(metric: $0.metric, value: $0.value.isNaN ? nil : $0.value, limit: $0.limit, passed: $0.passed, detail: $0.explanation)
        }
        groups = report.groups.map {
            GroupRates(group: $0.name, count: $0.count, selectionRate: $0.selectionRate, truePositiveRate: $0.truePositiveRate, falsePositiveRate: $0.falsePositiveRate)
        }
    }

    /// The bias report of a predictions file.
    static func fairness(_ spec: BiasSpec, directory: URL) throws -> FairnessReport {
        let path = directory.appendingPathComponent(spec.predictions).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw KeelError.invalidParameter("The gate's predictions file '\(spec.predictions)' does not exist; the stage that writes it must run first.")
        }
        let table = try DataTable.read(path: path)
        func binary(_ column: String) throws -> [Int] {
            guard let found = table.column(column) else {
                throw KeelError.invalidParameter("'\(spec.predictions)' has no column '\(column)'.")
            }
            guard case .numerical(let values) = found.sample, values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw KeelError.invalidParameter("'\(spec.predictions)' column '\(column)' must hold 0 or 1 in every row.")
            }
            return values.map { Int($0) }
        }
        guard let sensitive = table.column(spec.sensitive) else {
            throw KeelError.invalidParameter("'\(spec.predictions)' has no sensitive column '\(spec.sensitive)'.")
        }
        let groups: [String]
        switch sensitive.sample {
        case .categorical(let values): groups = values.map { $0 ?? "" }
        case .numerical(let values): groups = values.map { $0.isNaN ? "" : ($0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0)) }
        }
        return try FairnessReport(labels: try binary(spec.label), predictions: try binary(spec.prediction), groups: groups)
    }
}
