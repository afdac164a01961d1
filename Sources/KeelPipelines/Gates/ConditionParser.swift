import KeelCore

/// A recursive-descent parser for ``MetricCondition``:
///
///     condition := metric comparison bound
///     bound     := term (("+" | "-") term)*
///     term      := factor (("*" | "/") factor)*
///     factor    := number | "prev" | "(" bound ")" | "-" factor
///
/// A metric name is letters, digits and `_ . / -` (MLflow's metric names), or any text in
/// backticks.
struct ConditionParser {
    private let characters: [Character]
    private let text: String
    private var index = 0

    init(text: String) {
        self.text = text
        characters = Array(text)
    }

    mutating func parseCondition() throws -> (String, MetricCondition.Comparison, MetricCondition.Bound) {
        skipSpaces()
        let metric = try parseMetric()
        skipSpaces()
        let comparison = try parseComparison()
        let bound = try parseBound()
        skipSpaces()
        guard index == characters.count else { throw error("unexpected '\(String(characters[index...]))'") }
        return (metric, comparison, bound)
    }

    private mutating func parseMetric() throws -> String {
        if peek == "`" {
            index += 1
            let start = index
            while index < characters.count, characters[index] != "`" { index += 1 }
            guard index < characters.count, index > start else { throw error("a backticked metric name is empty or not closed") }
            defer { index += 1 }
            return String(characters[start..<index])
        }
        let start = index
        while let character = peek, character.isLetter || character.isNumber || "_./-".contains(character) {
            index += 1
        }
        guard index > start else { throw error("it must start with a metric name") }
        return String(characters[start..<index])
    }

    private mutating func parseComparison() throws -> MetricCondition.Comparison {
        for comparison in MetricCondition.Comparison.allCases {
            let symbol = Array(comparison.rawValue)
            if index + symbol.count <= characters.count, Array(characters[index..<(index + symbol.count)]) == symbol {
                index += symbol.count
                return comparison
            }
        }
        throw error("expected one of >=, <=, >, <, ==, != after the metric name")
    }

    private mutating func parseBound() throws -> MetricCondition.Bound {
        var bound = try parseTerm()
        while true {
            skipSpaces()
            if peek == "+" {
                index += 1
                bound = .sum(bound, try parseTerm())
            } else if peek == "-" {
                index += 1
                bound = .difference(bound, try parseTerm())
            } else {
                return bound
            }
        }
    }

    private mutating func parseTerm() throws -> MetricCondition.Bound {
        var bound = try parseFactor()
        while true {
            skipSpaces()
            if peek == "*" {
                index += 1
                bound = .product(bound, try parseFactor())
            } else if peek == "/" {
                index += 1
                bound = .quotient(bound, try parseFactor())
            } else {
                return bound
            }
        }
    }

    private mutating func parseFactor() throws -> MetricCondition.Bound {
        skipSpaces()
        guard let character = peek else { throw error("the bound is missing") }
        if character == "(" {
            index += 1
            let inner = try parseBound()
            skipSpaces()
            guard peek == ")" else { throw error("a '(' is not closed") }
            index += 1
            return inner
        }
        if character == "-" {
            index += 1
            return .difference(.number(0), try parseFactor())
        }
        if character.isLetter {
            let start = index
            while let next = peek, next.isLetter || next == "_" { index += 1 }
            let word = String(characters[start..<index])
            guard word == "prev" else { throw error("'\(word)' is not a number; the only name a bound may use is prev") }
            return .previous
        }
        let start = index
        while let next = peek, next.isNumber || next == "." || next == "e" || next == "E"
            || ((next == "+" || next == "-") && index > start && (characters[index - 1] == "e" || characters[index - 1] == "E")) {
            index += 1
        }
        guard index > start, let value = Double(String(characters[start..<index])), value.isFinite else {
            throw error("expected a number, prev or '(' at '\(String(characters[start...]))'")
        }
        return .number(value)
    }

    private var peek: Character? { index < characters.count ? characters[index] : nil }

    private mutating func skipSpaces() {
        while let character = peek, character.isWhitespace { index += 1 }
    }

    private func error(_ reason: String) -> KeelError {
        KeelError.invalidParameter("Gate condition '\(text)': \(reason).")
    }
}
