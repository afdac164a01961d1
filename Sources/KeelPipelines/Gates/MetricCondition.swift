import Foundation
public import KeelCore

/// A gate's condition on one metric: `accuracy >= 0.85`, `rmse <= prev * 1.02`.
///
/// The right side is arithmetic (`+ - * /`, parentheses) over numbers and `prev`, the same
/// metric of the current champion (the version the gate's alias points at). Parsed once into
/// a tree and evaluated with numbers only: nothing a user writes is ever run as code.
public struct MetricCondition: Sendable, Equatable, CustomStringConvertible {
    /// How the metric is compared with the bound.
    public typealias Comparison = ComparisonOperator

    /// The bound's arithmetic.
    public indirect enum Bound: Sendable, Equatable {
        case number(Double)
        /// The champion's value of the same metric.
        case previous
        case sum(Bound, Bound)
        case difference(Bound, Bound)
        case product(Bound, Bound)
        case quotient(Bound, Bound)

        /// Whether the bound needs the champion's value.
        public var usesPrevious: Bool {
            switch self {
            case .number: false
            case .previous: true
            case .sum(let a, let b), .difference(let a, let b), .product(let a, let b), .quotient(let a, let b):
                a.usesPrevious || b.usesPrevious
            }
        }

        func value(previous: Double) -> Double {
            switch self {
            case .number(let value): value
            case .previous: previous
            case .sum(let a, let b): a.value(previous: previous) + b.value(previous: previous)
            case .difference(let a, let b): a.value(previous: previous) - b.value(previous: previous)
            case .product(let a, let b): a.value(previous: previous) * b.value(previous: previous)
            case .quotient(let a, let b): a.value(previous: previous) / b.value(previous: previous)
            }
        }
    }

    /// The metric's name, as written in the metrics file.
    public var metric: String
    public var comparison: Comparison
    public var bound: Bound
    /// The condition as written.
    public var description: String

    /// Parses `metric op bound`.
    public init(parsing text: String) throws {
        var parser = ConditionParser(text: text)
        (metric, comparison, bound) = try parser.parseCondition()
        description = text.trimmingCharacters(in: .whitespaces)
    }

    /// What a condition found.
    public enum Outcome: Sendable, Equatable {
        /// The metric met the bound (its value and the bound's).
        case passed(value: Double, bound: Double)
        /// The metric missed the bound.
        case failed(value: Double, bound: Double)
        /// The bound needs a champion and there is none yet: nothing to be worse than.
        case noChampion(value: Double)
        /// The metrics file does not have the metric.
        case missing
        /// The champion has no value for the metric.
        case championMissing(value: Double)

        /// Whether the gate may let the model through on this condition.
        public var allows: Bool {
            switch self {
            case .passed, .noChampion: true
            case .failed, .missing, .championMissing: false
            }
        }
    }

    /// Checks the condition against this run's metrics and, when the bound uses `prev`, the
    /// champion's (nil when there is no champion).
    public func evaluate(metrics: [String: Double], champion: [String: Double]?) -> Outcome {
        guard let value = metrics[metric], !value.isNaN else { return .missing }
        var previous = Double.nan
        if bound.usesPrevious {
            guard let champion else { return .noChampion(value: value) }
            guard let championValue = champion[metric], !championValue.isNaN else { return .championMissing(value: value) }
            previous = championValue
        }
        let limit = bound.value(previous: previous)
        return comparison.holds(value, limit) ? .passed(value: value, bound: limit) : .failed(value: value, bound: limit)
    }
}
