import KeelCore

/// Value parsing for ``SearchFilterParser``: quoted strings, numbers and `IN` lists, each
/// checked against the type the clause's entity expects.
extension SearchFilterParser {
    /// Parses the value after `comparator`, which is neither `IS NULL` nor `IS NOT NULL`.
    mutating func parseValue(
        for rule: SearchSchema.Rule, comparator: SearchComparator, subject: String
    ) throws -> SearchValue {
        scanner.skipWhitespace()
        let start = scanner.position
        guard let first = scanner.peek() else {
            throw searchError("Invalid clause: expected a value after '\(comparator.rawValue)' for \(subject).")
        }
        let wantsList = comparator == .in || comparator == .notIn
        if first == "(" {
            guard wantsList else {
                throw searchError(
                    "A parenthesised list of values is only valid with IN or NOT IN, not with "
                        + "'\(comparator.rawValue)' (\(subject))."
                )
            }
            let items = try parseList()
            if rule.value == .experimentID { return .list(try items.map(Self.experimentID)) }
            return .list(items)
        }
        if wantsList {
            throw searchError(
                "\(comparator.rawValue) needs a parenthesised list of quoted strings, e.g. "
                    + "\(comparator.rawValue) ('a', 'b'); found '\(scanner.excerpt(from: start))' for \(subject)."
            )
        }
        if first == "'" || first == "\"" {
            guard let string = scanner.scanSQLQuoted() else {
                throw searchError("Unterminated string at character \(start + 1): \(scanner.excerpt(from: start))")
            }
            switch rule.value {
            case .string, .stringOrNumber: return .string(string)
            case .experimentID: return .string(try Self.experimentID(string))
            case .quotableInteger:
                guard let integer = Self.pythonInt(string), let double = Double(exactly: integer) else {
                    throw searchError(
                        "Invalid value for \(subject): '\(SearchSchema.clip(string))'. Version numbers are "
                            + "integers, e.g. 3 or '3'."
                    )
                }
                return .number(double)
            case .number, .integer:
                let written = SearchSchema.clip(scanner.text(from: start, to: scanner.position))
                throw searchError(
                    "Expected a numeric value for \(subject), found \(written). Numbers are written without quotes."
                )
            }
        }
        if let number = scanner.scanNumber() {
            let shown = SearchSchema.clip(number.text)
            guard number.valid else { throw searchError("Invalid numeric value '\(shown)' for \(subject).") }
            switch rule.value {
            case .stringOrNumber:
                return .string(number.text)
            case .string, .experimentID:
                throw searchError(
                    "Expected a quoted string value for \(subject) (e.g. 'my-value'), found \(shown)."
                        + " Quote it with single or double quotes."
                )
            case .integer where !number.isInteger:
                throw searchError(
                    "Invalid value for numeric attribute: \(subject) takes an integer (milliseconds since the "
                        + "epoch), found '\(shown)'."
                )
            case .quotableInteger where !number.isInteger:
                throw searchError("Invalid value for \(subject): '\(shown)'. Version numbers are integers, e.g. 3 or '3'.")
            case .quotableInteger:
                guard let integer = Self.pythonInt(number.text), let double = Double(exactly: integer) else {
                    throw searchError("Numeric value '\(shown)' for \(subject) is out of range.")
                }
                return .number(double)
            case .number, .integer:
                guard let double = Double(number.text), double.isFinite else {
                    throw searchError("Numeric value '\(shown)' for \(subject) is out of range.")
                }
                return .number(double)
            }
        }
        if first == "`" || SearchScanner.isWordScalar(first) {
            let content = first == "`" ? scanner.scanSQLQuoted() ?? scanner.excerpt(from: start) : scanner.scanWord()
            let raw = SearchSchema.clip(first == "`" && scanner.position > start ? "`\(content)`" : content)
            switch rule.value {
            case .number, .integer, .quotableInteger:
                throw searchError("Expected a numeric value for \(subject), found \(raw).")
            case .string, .experimentID, .stringOrNumber:
                throw searchError(
                    "Value \(raw) for \(subject) is not quoted. Use either single or double quotes, e.g. "
                        + "'\(SearchSchema.clip(content))'."
                )
            }
        }
        throw searchError(
            "Invalid value at character \(start + 1) for \(subject): '\(scanner.excerpt(from: start))'. "
                + "Expected a quoted string such as 'abc' or a number such as 1, -2.5 or 1e-3."
        )
    }

    /// Parses `( 'a', "b", ... )` with the cursor on `(`; trailing commas are allowed, as
    /// Python's `literal_eval` (MLflow's list parser) allows them.
    private mutating func parseList() throws -> [String] {
        let start = scanner.position
        scanner.advance()
        var items: [String] = []
        while true {
            scanner.skipWhitespace()
            guard let next = scanner.peek() else { throw unterminatedList(at: start) }
            if next == ")" {
                scanner.advance()
                break
            }
            guard next == "'" || next == "\"" else {
                throw searchError(
                    "While parsing a list in the query, expected quoted string values, found "
                        + "'\(scanner.excerpt(from: scanner.position))' at character \(scanner.position + 1)."
                )
            }
            let itemStart = scanner.position
            guard let item = scanner.scanPythonQuoted() else {
                throw searchError(
                    "Unterminated string in list at character \(itemStart + 1): \(scanner.excerpt(from: itemStart))"
                )
            }
            items.append(item)
            scanner.skipWhitespace()
            if scanner.peek() == "," {
                scanner.advance()
            } else if scanner.peek() == ")" {
                scanner.advance()
                break
            } else if scanner.isAtEnd {
                throw unterminatedList(at: start)
            } else {
                throw searchError(
                    "While parsing a list in the query, expected ',' or ')' at character \(scanner.position + 1), "
                        + "found '\(scanner.excerpt(from: scanner.position))'."
                )
            }
        }
        guard !items.isEmpty else {
            throw searchError(
                "While parsing a list in the query, expected a non-empty list of string values, but got empty list"
            )
        }
        return items
    }

    private func unterminatedList(at start: Int) -> KeelError {
        searchError("Unterminated list at character \(start + 1): missing ')' in '\(scanner.excerpt(from: start))'.")
    }

    /// Validates an experiment ID as MLflow's `int()` would and returns its canonical
    /// decimal form, so the SQL layer can bind it to the integer column as is.
    static func experimentID(_ text: String) throws -> String {
        guard let value = pythonInt(text) else {
            throw searchError(
                "Invalid experiment ID '\(SearchSchema.clip(text))'. Experiment ID must be a valid integer."
            )
        }
        return String(value)
    }

    /// `text` read as Python's `int()` reads a string (surrounding whitespace, a sign and single
    /// underscores between digits allowed), limited to ASCII digits and the `Int64` range;
    /// `nil` if it is not such an integer.
    static func pythonInt(_ text: String) -> Int64? {
        var digits = Substring(text).drop { $0.isWhitespace }
        while let last = digits.last, last.isWhitespace { digits.removeLast() }
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits.removeFirst()
        }
        var value: Int64 = 0
        var previousWasDigit = false
        var valid = !digits.isEmpty
        for character in digits where valid {
            if character == "_" && previousWasDigit {
                previousWasDigit = false  // Python allows single underscores between digits.
                continue
            }
            guard let digit = character.wholeNumberValue, character.isASCII else { valid = false; break }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            valid = !overflow1 && !overflow2
            value = sum
            previousWasDigit = true
        }
        guard valid, previousWasDigit else { return nil }
        return negative ? -value : value
    }
}
