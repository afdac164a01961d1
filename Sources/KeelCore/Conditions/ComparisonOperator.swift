/// A comparison written in a user's condition: alert rules (`drift_share > 0.3`) and pipeline
/// gates (`accuracy >= 0.85`) read the same six operators.
///
/// `allCases` lists two-character operators first, so a scanner trying them in order never
/// reads `>=` as `>` followed by `=`.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case greaterOrEqual = ">="
    case lessOrEqual = "<="
    case equal = "=="
    case notEqual = "!="
    case greater = ">"
    case less = "<"

    /// Whether `value` compares so with `bound`.
    public func holds(_ value: Double, _ bound: Double) -> Bool {
        switch self {
        case .greater: value > bound
        case .greaterOrEqual: value >= bound
        case .less: value < bound
        case .lessOrEqual: value <= bound
        case .equal: value == bound
        case .notEqual: value != bound
        }
    }
}
