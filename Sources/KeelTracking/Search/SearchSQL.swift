public import KeelCore
public import SQLKit

/// Turns parsed search clauses into SQL conditions with every user value bound as a parameter.
///
/// Column and table names come only from the fixed tables below, never from the filter text,
/// so nothing a user types reaches SQL as text.
public enum SearchSQL {
    /// The SQL comparison for a comparator, case-insensitive LIKE spelled portably.
    public static func comparison(_ column: SQLQueryString, _ comparator: SearchComparator, _ value: SearchValue) throws(KeelError) -> SQLQueryString {
        switch (comparator, value) {
        case (.isNull, _):
            return "\(column) IS NULL"
        case (.isNotNull, _):
            return "\(column) IS NOT NULL"
        case (.in, .list(let items)):
            return "\(column) IN \(SQLBind.group(items))"
        case (.notIn, .list(let items)):
            return "\(column) NOT IN \(SQLBind.group(items))"
        case (.ilike, .string(let pattern)):
            return "LOWER(\(column)) LIKE LOWER(\(bind: pattern))"
        case (.like, .string(let pattern)):
            return "\(column) LIKE \(bind: pattern)"
        case (_, .string(let text)):
            return "\(column) \(unsafeRaw: try sqlOperator(comparator)) \(bind: text)"
        case (_, .number(let number)):
            return "\(column) \(unsafeRaw: try sqlOperator(comparator)) \(numericBind(number))"
        default:
            throw .invalidParameter("Invalid comparison '\(comparator.rawValue)' for value \(value).")
        }
    }

    /// Integral numbers bind as integers so BIGINT columns compare exactly on every database.
    public static func numericBind(_ number: Double) -> SQLQueryString {
        if number.rounded() == number, abs(number) < 9.0e15 {
            return "\(bind: Int64(number))"
        }
        return "\(bind: number)"
    }

    private static func sqlOperator(_ comparator: SearchComparator) throws(KeelError) -> String {
        switch comparator {
        case .equal: "="
        case .notEqual: "<>"
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        default: throw .invalidParameter("Operator '\(comparator.rawValue)' needs a different kind of value.")
        }
    }

    /// An `EXISTS` test against a key-value table (`params`, `tags`) owned by the row `owner`.
    ///
    /// `IS NULL` means "the run has no such key": MLflow's semantics, not SQL's.
    public static func keyValueCondition(
        table: String, ownerColumn: String, owner: SQLQueryString, clause: SearchClause
    ) throws(KeelError) -> SQLQueryString {
        let exists: SQLQueryString = "SELECT 1 FROM \(ident: table) kv WHERE kv.\(ident: ownerColumn) = \(owner) AND kv.key = \(bind: clause.key)"
        switch clause.comparator {
        case .isNull:
            return "NOT EXISTS (\(exists))"
        case .isNotNull:
            return "EXISTS (\(exists))"
        default:
            return "EXISTS (\(exists) AND \(try comparison("kv.value", clause.comparator, clause.value)))"
        }
    }

    /// `ASC`/`DESC` with NULLs last on both databases (their defaults differ).
    public static func orderTerm(_ expression: SQLQueryString, ascending: Bool) -> SQLQueryString {
        "(CASE WHEN \(expression) IS NULL THEN 1 ELSE 0 END), \(expression) \(unsafeRaw: ascending ? "ASC" : "DESC")"
    }
}
