import KeelMonitoring

/// Checks one column against its expectation, counting failing rows and keeping a few
/// examples of them for the report.
struct ColumnChecker {
    let column: DataTable.Column
    /// Examples shown per failed check.
    static let examples = 5

    /// Present (non-missing) values as numbers, or nil for a text column.
    private var numbers: [Double]? {
        if case .numerical(let values) = column.sample { return values.filter { !$0.isNaN } }
        return nil
    }

    private var missing: Int {
        switch column.sample {
        case .numerical(let values): values.count { $0.isNaN }
        case .categorical(let values): values.count - values.presentCount
        }
    }

    func checks(_ expectation: DatasetExpectations.ColumnExpectation) -> [ValidationReport.Check] {
        var checks: [ValidationReport.Check] = []
        func add(_ expectation: String, failing: Int, detail: String, passed: Bool? = nil) {
            checks.append(ValidationReport.Check(
                column: column.name, expectation: expectation, passed: passed ?? (failing == 0), failingRows: failing, detail: detail
            ))
        }
        if let type = expectation.type {
            let found = foundType
            add("type: \(type.rawValue)", failing: 0, detail: "read as \(found.rawValue)",
                passed: found == type || (type == .number && found == .integer))
        }
        if expectation.nulls == false {
            let missing = missing
            add("nulls: false", failing: missing, detail: missing == 0 ? "no missing values" : "\(missing) missing values")
        }
        if let min = expectation.min {
            if let numbers {
                let below = numbers.filter { $0 < min }
                add("min: \(Self.format(min))", failing: below.count, detail: below.isEmpty ? "smallest \(numbers.min().map(Self.format) ?? "none")" : "e.g. \(Self.sample(below.map(Self.format)))")
            } else {
                add("min: \(Self.format(min))", failing: 0, detail: "the column holds text, not numbers", passed: false)
            }
        }
        if let max = expectation.max {
            if let numbers {
                let above = numbers.filter { $0 > max }
                add("max: \(Self.format(max))", failing: above.count, detail: above.isEmpty ? "largest \(numbers.max().map(Self.format) ?? "none")" : "e.g. \(Self.sample(above.map(Self.format)))")
            } else {
                add("max: \(Self.format(max))", failing: 0, detail: "the column holds text, not numbers", passed: false)
            }
        }
        if let allowed = expectation.allowed {
            let outside = valuesOutside(allowed)
            add("allowed: [\(allowed.map(\.description).joined(separator: ", "))]", failing: outside.count,
                detail: outside.isEmpty ? "every value allowed" : "e.g. \(Self.sample(outside))")
        }
        if expectation.unique == true {
            let repeated = repeatedValues
            add("unique: true", failing: repeated.rows, detail: repeated.rows == 0 ? "no repeated values" : "repeated: \(Self.sample(repeated.examples))")
        }
        return checks
    }

    /// What pandas would call the column.
    private var foundType: DatasetExpectations.ColumnType {
        guard let numbers else { return .string }
        return numbers.allSatisfy { $0 == $0.rounded() && $0.isFinite } ? .integer : .number
    }

    /// Present values not in `allowed`, as text.
    private func valuesOutside(_ allowed: [DatasetExpectations.Value]) -> [String] {
        switch column.sample {
        case .numerical(let values):
            let permitted = Set(allowed.compactMap { if case .number(let number) = $0 { number } else { nil } })
            return values.filter { !$0.isNaN && !permitted.contains($0) }.map(Self.format)
        case .categorical(let values):
            let permitted = Set(allowed.map(\.description))
            return values.compactMap { $0 }.filter { !permitted.contains($0) }
        }
    }

    /// Rows whose value appeared on an earlier row, and a few such values.
    private var repeatedValues: (rows: Int, examples: [String]) {
        var rows = 0
        var examples: [String] = []
        switch column.sample {
        case .numerical(let values):
            var seen = Set<Double>()
            for value in values where !value.isNaN && !seen.insert(value).inserted {
                rows += 1
                if examples.count < Self.examples { examples.append(Self.format(value)) }
            }
        case .categorical(let values):
            var seen = [Bool](repeating: false, count: values.values.count + 1)
            for code in values.codes where code != 0 {
                if seen[Int(code)] {
                    rows += 1
                    if examples.count < Self.examples { examples.append(values.values[Int(code) - 1]) }
                }
                seen[Int(code)] = true
            }
        }
        return (rows, examples)
    }

    static func sample(_ values: [String]) -> String {
        var distinct: [String] = []
        for value in values where !distinct.contains(value) {
            distinct.append(value)
            if distinct.count == examples { break }
        }
        return distinct.map { "'\($0)'" }.joined(separator: ", ")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
