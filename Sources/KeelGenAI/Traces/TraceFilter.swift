import KeelCore
public import KeelTracking

/// A parsed `search_traces` filter: `<entity>.<key> <op> <value>` clauses joined by `AND`, as
/// MLflow's `SearchTraceUtils` reads them. Keys with dots go in backticks
/// (``metadata.`mlflow.sourceRun` = 'abc'``).
///
/// Entities: `attribute`/`attributes`/`trace` (`timestamp_ms`, `execution_time_ms`, `status`,
/// `name`, `trace_id`/`request_id`, `client_request_id`, `run_id`), `tag`/`tags` and
/// `metadata`/`request_metadata`. Values are bound as parameters when compiled; nothing typed
/// reaches SQL as text.
public struct TraceFilter: Sendable {
    public enum Field: Sendable, Hashable {
        case attribute(String)
        case tag(String)
        case metadata(String)
    }

    public struct Clause: Sendable {
        public var field: Field
        public var comparator: SearchComparator
        public var value: SearchValue
    }

    public var clauses: [Clause]

    static let numericAttributes: [String: String] = [
        "timestamp": "timestamp_ms", "timestamp_ms": "timestamp_ms",
        "execution_time": "execution_time_ms", "execution_time_ms": "execution_time_ms",
    ]
    static let textAttributes: [String: String] = [
        "status": "status", "state": "status", "name": "name", "trace_id": "trace_id", "request_id": "trace_id",
        "client_request_id": "client_request_id", "run_id": "run_id", "prompt": "prompt",
    ]

    public init(parsing text: String?) throws {
        clauses = []
        guard let text, !text.allSatisfy(\.isWhitespace) else { return }
        var scanner = Scanner(text)
        repeat {
            clauses.append(try scanner.clause())
        } while try scanner.and()
        guard scanner.isAtEnd else { throw Self.error("Unexpected text after '\(text)'; join conditions with AND.") }
    }

    static func error(_ message: String) -> KeelError { KeelError.invalidParameter("Invalid search filter: \(message)") }

    /// A small tokenizer: identifiers, backticked keys, quoted strings, numbers, operators.
    private struct Scanner {
        let characters: [Character]
        var index = 0

        init(_ text: String) { characters = Array(text) }

        var isAtEnd: Bool {
            mutating get { skipSpaces(); return index >= characters.count }
        }

        mutating func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }

        mutating func word() -> String {
            skipSpaces()
            let start = index
            while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" { index += 1 }
            return String(characters[start..<index])
        }

        mutating func and() throws -> Bool {
            skipSpaces()
            guard index < characters.count else { return false }
            let saved = index
            if word().uppercased() == "AND" { return true }
            index = saved
            return false
        }

        mutating func clause() throws -> Clause {
            var entity = word().lowercased()
            let key: String
            if index >= characters.count || characters[index] != "." {
                // A bare attribute, as MLflow allows: `prompt = "qa/1"`, `status = 'OK'`.
                guard TraceFilter.numericAttributes[entity] ?? TraceFilter.textAttributes[entity] != nil else {
                    throw TraceFilter.error("expected <entity>.<key>, such as tags.name or attributes.status, at '\(entity)'.")
                }
                key = entity
                entity = "attributes"
            } else {
                index += 1
                key = try dottedKey()
            }
            guard !key.isEmpty else { throw TraceFilter.error("a key is missing after '\(entity).'.") }
            let field: Field
            switch entity {
            case "attribute", "attributes", "trace":
                guard let canonical = TraceFilter.numericAttributes[key] ?? TraceFilter.textAttributes[key] else {
                    let valid = Set(TraceFilter.numericAttributes.values).union(TraceFilter.textAttributes.values).sorted().joined(separator: ", ")
                    throw TraceFilter.error("unknown attribute '\(key)'; valid ones are \(valid).")
                }
                field = .attribute(canonical)
            case "tag", "tags": field = .tag(key)
            case "metadata", "request_metadata": field = .metadata(key)
            default:
                throw TraceFilter.error("unknown entity '\(entity)'; use attributes, trace, tags or metadata.")
            }
            let comparator = try self.comparator()
            let value = try self.value(for: comparator)
            if case .attribute(let name) = field, TraceFilter.numericAttributes.values.contains(name) {
                guard case .number = value, [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(comparator) else {
                    throw TraceFilter.error("'\(name)' is compared with =, !=, <, <=, > or >= and a number.")
                }
            } else if case .number(let number) = value {
                return Clause(field: field, comparator: comparator, value: .string(number == number.rounded() ? String(Int64(number)) : String(number)))
            }
            return Clause(field: field, comparator: comparator, value: value)
        }

        /// The key after `entity.`: a word, or anything between backticks.
        mutating func dottedKey() throws -> String {
            guard index < characters.count, characters[index] == "`" else { return word() }
            index += 1
            let start = index
            while index < characters.count, characters[index] != "`" { index += 1 }
            guard index < characters.count else { throw TraceFilter.error("an unclosed backtick.") }
            index += 1
            return String(characters[start..<(index - 1)])
        }

        mutating func comparator() throws -> SearchComparator {
            skipSpaces()
            for symbol in ["!=", ">=", "<=", "=", ">", "<"] where matches(symbol) {
                index += symbol.count
                return SearchComparator(rawValue: symbol)!
            }
            let saved = index
            let first = word().uppercased()
            switch first {
            case "LIKE": return .like
            case "ILIKE": return .ilike
            case "IN": return .in
            case "IS":
                let next = word().uppercased()
                if next == "NULL" { return .isNull }
                if next == "NOT", word().uppercased() == "NULL" { return .isNotNull }
            case "NOT":
                if word().uppercased() == "IN" { return .notIn }
            default: break
            }
            index = saved
            throw TraceFilter.error("expected a comparison (=, !=, <, >, LIKE, ILIKE, IN, NOT IN, IS NULL).")
        }

        func matches(_ symbol: String) -> Bool {
            let end = index + symbol.count
            return end <= characters.count && String(characters[index..<end]) == symbol
        }

        mutating func value(for comparator: SearchComparator) throws -> SearchValue {
            if comparator == .isNull || comparator == .isNotNull { return .none }
            skipSpaces()
            if comparator == .in || comparator == .notIn {
                guard index < characters.count, characters[index] == "(" else { throw TraceFilter.error("IN takes a list: ('a', 'b').") }
                index += 1
                var items: [String] = []
                while true {
                    skipSpaces()
                    items.append(try quoted())
                    skipSpaces()
                    guard index < characters.count else { throw TraceFilter.error("an unclosed list.") }
                    if characters[index] == ")" { index += 1; break }
                    guard characters[index] == "," else { throw TraceFilter.error("list items are separated by commas.") }
                    index += 1
                }
                return .list(items)
            }
            if index < characters.count, characters[index] == "'" || characters[index] == "\"" { return .string(try quoted()) }
            let start = index
            while index < characters.count, !characters[index].isWhitespace { index += 1 }
            guard let number = Double(String(characters[start..<index])), number.isFinite else {
                throw TraceFilter.error("a value must be a quoted string or a number.")
            }
            return .number(number)
        }

        mutating func quoted() throws -> String {
            guard index < characters.count, characters[index] == "'" || characters[index] == "\"" else {
                throw TraceFilter.error("expected a quoted string.")
            }
            let quote = characters[index]
            index += 1
            var text = ""
            while index < characters.count {
                if characters[index] == quote {
                    if index + 1 < characters.count, characters[index + 1] == quote { text.append(quote); index += 2; continue }
                    index += 1
                    return text
                }
                text.append(characters[index])
                index += 1
            }
            throw TraceFilter.error("an unclosed string.")
        }
    }
}
