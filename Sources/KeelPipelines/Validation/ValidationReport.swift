public import KeelMonitoring

/// The outcome of checking a dataset against its ``DatasetExpectations``: one line per
/// expectation, with counts and examples of what failed.
public struct ValidationReport: Sendable, Equatable, Encodable {
    /// One expectation checked.
    public struct Check: Sendable, Equatable, Encodable {
        /// The column, or nil for a table-wide expectation (row count).
        public var column: String?
        /// The expectation as written (`type: integer`, `min: 18`).
        public var expectation: String
        public var passed: Bool
        /// Rows that broke it (0 when it passed or does not count rows).
        public var failingRows: Int
        /// What was found: a few failing values, or the observed figure.
        public var detail: String
    }

    /// The data's name (its path).
    public var dataset: String
    public var rows: Int
    public var checks: [Check]

    /// Every expectation held.
    public var passed: Bool { checks.allSatisfy(\.passed) }
    /// The checks that did not hold.
    public var failures: [Check] { checks.filter { !$0.passed } }

    /// Checks `table` against `expectations`.
    public init(dataset: String, table: DataTable, expectations: DatasetExpectations) {
        self.dataset = dataset
        rows = table.rowCount
        var checks: [Check] = []
        if let bounds = expectations.rows {
            if let min = bounds.min {
                checks.append(Check(column: nil, expectation: "rows.min: \(min)", passed: table.rowCount >= min, failingRows: 0, detail: "\(table.rowCount) rows"))
            }
            if let max = bounds.max {
                checks.append(Check(column: nil, expectation: "rows.max: \(max)", passed: table.rowCount <= max, failingRows: 0, detail: "\(table.rowCount) rows"))
            }
        }
        for name in expectations.columns.keys.sorted() {
            let expectation = expectations.columns[name]!
            guard let column = table.column(name) else {
                checks.append(Check(column: name, expectation: "present", passed: false, failingRows: 0, detail: "the data has no column '\(name)'"))
                continue
            }
            checks += ColumnChecker(column: column).checks(expectation)
        }
        self.checks = checks
    }
}
