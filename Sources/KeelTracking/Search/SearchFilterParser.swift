import KeelCore

/// Parses an MLflow filter string into validated clauses for one ``SearchSchema``.
///
/// Grammar (keywords case-insensitive; MLflow has no `OR` and no parentheses):
///
///     filter     := clause (AND clause)*
///     clause     := identifier comparator value | identifier IS [NOT] NULL
///     comparator := = | != | < | <= | > | >= | LIKE | ILIKE | IN | NOT IN
///     value      := 'string' | "string" | number | ( 'string' [, 'string']* [,] )
///
/// Like MLflow, stray `AND`s (leading, trailing, doubled) are ignored.
struct SearchFilterParser {
    // Internal rather than private so the value parsing in SearchFilterValues.swift can share them.
    var scanner: SearchScanner
    let schema: SearchSchema

    init(text: String, schema: SearchSchema) {
        scanner = SearchScanner(text)
        self.schema = schema
    }

    mutating func parse() throws -> [SearchClause] {
        var clauses: [SearchClause] = []
        while true {
            scanner.skipWhitespace()
            if scanner.isAtEnd { break }
            if scanner.consumeKeyword("AND") { continue }
            clauses.append(try parseClause())
            scanner.skipWhitespace()
            if scanner.isAtEnd { break }
            guard scanner.consumeKeyword("AND") else { throw unexpectedAfterClause() }
        }
        return clauses
    }

    private mutating func parseClause() throws -> SearchClause {
        let start = scanner.position
        guard let identifier = try scanner.scanIdentifier() else { throw expectedIdentifier(at: start) }
        try rejectSpacedDot(after: identifier)
        let (entity, key) = try schema.resolve(identifier, for: .filter)
        let rule = schema.rule(for: entity, key: key)
        let subject = describe(entity, key)
        let comparator = try parseComparator(after: identifier, subject: subject, rule: rule)
        try check(comparator, allowedBy: rule, entity: entity, subject: subject)
        if comparator == .isNull || comparator == .isNotNull {
            return SearchClause(entity: entity, key: key, comparator: comparator, value: .none)
        }
        let value = try parseValue(for: rule, comparator: comparator, subject: subject)
        return SearchClause(entity: entity, key: key, comparator: comparator, value: value)
    }

    /// Catches `metrics . acc`, which would otherwise be reported as an unknown attribute
    /// `metrics`, a baffling message for a spacing mistake.
    private func rejectSpacedDot(after identifier: SearchIdentifierSyntax) throws {
        var probe = scanner
        probe.skipWhitespace()
        guard probe.peek() == "." else { return }
        throw searchError(
            "Invalid identifier at character \(probe.position + 1): whitespace is not allowed around the '.' "
                + "after '\(SearchSchema.clip(identifier.text))'; write e.g. metrics.acc."
        )
    }

    // MARK: Comparators

    private mutating func parseComparator(
        after identifier: SearchIdentifierSyntax, subject: String, rule: SearchSchema.Rule
    ) throws -> SearchComparator {
        let identifierEnd = scanner.position
        scanner.skipWhitespace()
        let start = scanner.position
        guard let first = scanner.peek() else {
            throw searchError(
                "Invalid clause '\(SearchSchema.clip(identifier.text))': expected a comparison operator "
                    + "(\(Self.list(rule.comparators))) and a value after it."
            )
        }
        if "<>=!~".unicodeScalars.contains(first) {
            while let next = scanner.peek(), "<>=!~".unicodeScalars.contains(next) { scanner.advance() }
            let symbol = scanner.text(from: start, to: scanner.position)
            if let comparator = SearchComparator(rawValue: symbol), Self.symbolic.contains(comparator) {
                return comparator
            }
            throw invalidComparator(symbol, subject: subject, rule: rule)
        }
        guard SearchScanner.isWordScalar(first) else {
            // Text glued to the key, as in metrics.acc-1, is a key that needed quoting.
            let hint = start == identifierEnd
                ? " Quote keys that contain spaces or punctuation with backticks, e.g. metrics.`my-metric`."
                : ""
            throw searchError(
                "Invalid clause at character \(start + 1): expected a comparison operator after "
                    + "'\(SearchSchema.clip(identifier.text))', found '\(scanner.excerpt(from: start))'.\(hint)"
            )
        }
        let word = scanner.scanWord()
        switch SearchScanner.asciiUppercased(word) {
        case "LIKE": return .like
        case "ILIKE": return .ilike
        case "IN": return .in
        case "IS":
            scanner.skipWhitespace()
            if scanner.consumeKeyword("NULL") { return .isNull }
            if scanner.consumeKeyword("NOT") {
                scanner.skipWhitespace()
                if scanner.consumeKeyword("NULL") { return .isNotNull }
            }
            throw searchError(
                "Invalid clause at character \(start + 1): expected IS NULL or IS NOT NULL, found "
                    + "'\(scanner.excerpt(from: start))'."
            )
        case "NOT":
            scanner.skipWhitespace()
            if scanner.consumeKeyword("IN") { return .notIn }
            let next = scanner.scanWord()
            throw invalidComparator(next.isEmpty ? word : "\(word) \(next)", subject: subject, rule: rule)
        default:
            throw invalidComparator(word, subject: subject, rule: rule)
        }
    }

    private func check(
        _ comparator: SearchComparator, allowedBy rule: SearchSchema.Rule, entity: SearchEntity, subject: String
    ) throws {
        if rule.comparators.contains(comparator) { return }
        switch comparator {
        case .isNull, .isNotNull:
            guard let nullable = schema.nullableEntities else {
                throw searchError(
                    "IS NULL / IS NOT NULL is not supported when searching \(schema.searchedObjects) (\(subject))."
                )
            }
            throw searchError("IS NULL / IS NOT NULL is only supported for \(nullable), not for \(subject).")
        case .in where entity == .attribute, .notIn where entity == .attribute:
            guard let listAttributes = schema.listAttributes else {
                throw invalidComparator(comparator.rawValue, subject: subject, rule: rule)
            }
            let names = listAttributes.map { "'\($0)'" }.joined(separator: ", ")
            throw searchError(
                "Only [\(names)] attributes support comparison with a list of quoted string "
                    + "values (IN / NOT IN), not \(subject)."
            )
        default:
            throw invalidComparator(comparator.rawValue, subject: subject, rule: rule)
        }
    }

    private func invalidComparator(_ text: String, subject: String, rule: SearchSchema.Rule) -> KeelError {
        searchError(
            "Invalid comparator '\(SearchSchema.clip(text))' for \(subject). Valid comparators are: "
                + "\(Self.list(rule.comparators))."
        )
    }

    // MARK: Errors

    private func expectedIdentifier(at start: Int) -> KeelError {
        let found = scanner.excerpt(from: start)
        var hint = ""
        switch scanner.peek() {
        case "(": hint = " Parentheses are not supported; MLflow filters are a flat list of AND-ed clauses."
        case "'": hint = " Single quotes mark values; quote keys with backticks, e.g. tags.`my key`."
        default: break
        }
        return searchError(
            "Invalid clause at character \(start + 1): expected an identifier such as metrics.<name>, "
                + "params.<name>, tags.<name> or an attribute name, found '\(found)'.\(hint)"
        )
    }

    private mutating func unexpectedAfterClause() -> KeelError {
        let start = scanner.position
        let found = scanner.excerpt(from: start)
        if scanner.consumeKeyword("OR") {
            return searchError(
                "Invalid clause(s) in filter string: 'OR' at character \(start + 1). Only AND is supported to "
                    + "combine clauses; run separate searches for alternatives."
            )
        }
        if scanner.peek() == ";" {
            return searchError(
                "Search filter contained multiple expressions (';' at character \(start + 1)). "
                    + "Provide an AND-ed expression list."
            )
        }
        return searchError(
            "Invalid clause(s) in filter string at character \(start + 1): '\(found)'. "
                + "Clauses must be joined with AND."
        )
    }

    private func describe(_ entity: SearchEntity, _ key: String) -> String {
        let name = entity == .dataset ? "dataset field" : entity.rawValue
        return "\(name) '\(SearchSchema.clip(key))'"
    }

    /// The comparators written with symbols; `SearchComparator(rawValue:)` alone would also
    /// take a symbol run spelling a word operator, which cannot happen, but stay explicit.
    private static let symbolic: [SearchComparator] = [
        .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
    ]

    private static func list(_ comparators: [SearchComparator]) -> String {
        comparators.map(\.rawValue).joined(separator: ", ")
    }
}
