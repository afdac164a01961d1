import KeelCore

/// One `order_by` entry such as `metrics.acc DESC`, parsed and validated.
///
/// Syntax: `<identifier> [ASC|DESC]`, keyword case-insensitive, ascending by default. The
/// identifier takes the same prefixes and quoting as in a ``SearchFilter``.
public struct SearchOrder: Sendable, Hashable {
    /// What to sort on: a metric, param, tag or attribute (never a dataset).
    public var entity: SearchEntity
    /// The metric/param/tag name, or the canonical attribute name (`start_time`, never `created`).
    public var key: String
    /// `true` for `ASC` (the default), `false` for `DESC`.
    public var ascending: Bool

    /// Creates an ordering; the parser is the usual source, this is for tests and internal callers.
    public init(entity: SearchEntity, key: String, ascending: Bool) {
        self.entity = entity
        self.key = key
        self.ascending = ascending
    }

    /// Parses a `SearchRuns` `order_by` list: metrics, params, tags, and the attributes
    /// `run_id`, `run_name`, `user_id`, `status`, `start_time` (alias `created`),
    /// `end_time` and `artifact_uri`.
    ///
    /// - Parameter clauses: One ordering per element, most significant first.
    /// - Throws: `KeelError` (`INVALID_PARAMETER_VALUE`) for a malformed or unknown
    ///   ordering, or one that repeats a field (which MLflow also rejects).
    public static func parseRuns(_ clauses: [String]) throws -> [SearchOrder] {
        try rejectingDuplicates(clauses.map { try parse($0, schema: .runs) }, clauses: clauses)
    }

    /// Parses a `SearchRegisteredModels` `order_by` list, optionally prefixed `attribute.`.
    ///
    /// Keys come back canonical as ``SearchEntity/attribute`` orderings: `name`,
    /// `last_updated_timestamp` (also written `timestamp`, MLflow's recommended spelling) and
    /// `creation_timestamp`. Tags cannot be sorted on.
    ///
    /// - Parameter clauses: One ordering per element, most significant first.
    /// - Throws: `KeelError` (`INVALID_PARAMETER_VALUE`) for a malformed or unknown ordering,
    ///   or one that repeats a field (`timestamp` and `last_updated_timestamp` are the same field).
    public static func parseRegisteredModels(_ clauses: [String]) throws -> [SearchOrder] {
        try rejectingDuplicates(clauses.map { try parse($0, schema: .registeredModels) }, clauses: clauses)
    }

    /// Parses a `SearchModelVersions` `order_by` list, optionally prefixed `attribute.`.
    ///
    /// Keys are the ``SearchEntity/attribute`` orderings `name`, `version_number`,
    /// `creation_timestamp` and `last_updated_timestamp`. Tags cannot be sorted on.
    ///
    /// - Parameter clauses: One ordering per element, most significant first.
    /// - Throws: `KeelError` (`INVALID_PARAMETER_VALUE`) for a malformed or unknown ordering,
    ///   or one that repeats a field.
    public static func parseModelVersions(_ clauses: [String]) throws -> [SearchOrder] {
        try rejectingDuplicates(clauses.map { try parse($0, schema: .modelVersions) }, clauses: clauses)
    }

    /// Returns `orders` unchanged, or throws if two of them sort on the same field.
    private static func rejectingDuplicates(_ orders: [SearchOrder], clauses: [String]) throws -> [SearchOrder] {
        var seen: Set<SearchOrder> = []
        for (order, clause) in zip(orders, clauses) {
            let field = SearchOrder(entity: order.entity, key: order.key, ascending: true)
            guard seen.insert(field).inserted else {
                throw KeelError(
                    .invalidParameterValue,
                    "`order_by` contains duplicate fields: \(order.entity.rawValue) '\(SearchSchema.clip(order.key))' "
                        + "appears more than once (in '\(SearchSchema.clip(clause))')."
                )
            }
        }
        return orders
    }

    /// Parses a `SearchExperiments` `order_by` list: `name`, `experiment_id`,
    /// `creation_time` and `last_update_time`, optionally prefixed `attribute.`.
    ///
    /// - Parameter clauses: One ordering per element, most significant first.
    /// - Throws: `KeelError` (`INVALID_PARAMETER_VALUE`) for a malformed or unknown ordering.
    public static func parseExperiments(_ clauses: [String]) throws -> [SearchOrder] {
        try clauses.map { try parse($0, schema: .experiments) }
    }

    private static func parse(_ clause: String, schema: SearchSchema) throws -> SearchOrder {
        var scanner = SearchScanner(clause)
        let shown = SearchSchema.clip(clause)
        // MLflow rejects surrounding whitespace; Keel trims it, as nothing else could be meant.
        scanner.skipWhitespace()
        guard let identifier = try scanner.scanIdentifier() else {
            throw KeelError(
                .invalidParameterValue,
                "Invalid order_by clause '\(shown)'. Could not be parsed; expected e.g. 'metrics.acc DESC' "
                    + "or 'start_time'."
            )
        }
        let identifierEnd = scanner.position
        scanner.skipWhitespace()
        var ascending = true
        if !scanner.isAtEnd {
            let word = scanner.position > identifierEnd ? scanner.scanWord() : ""
            switch SearchScanner.asciiUppercased(word) {
            case "ASC": ascending = true
            case "DESC": ascending = false
            default:
                throw KeelError(
                    .invalidParameterValue,
                    "Invalid ordering key in order_by clause '\(shown)': expected ASC or DESC after "
                        + "'\(SearchSchema.clip(identifier.text))'. Quote keys containing spaces or punctuation "
                        + "with backticks, e.g. metrics.`my metric` DESC."
                )
            }
            scanner.skipWhitespace()
            guard scanner.isAtEnd else {
                throw KeelError(
                    .invalidParameterValue,
                    "Invalid order_by clause '\(shown)'. Could not be parsed: unexpected "
                        + "'\(scanner.excerpt(from: scanner.position))' at character \(scanner.position + 1). "
                        + "Pass each ordering as a separate order_by entry."
                )
            }
        }
        let (entity, key) = try schema.resolve(identifier, for: .ordering)
        return SearchOrder(entity: entity, key: key, ascending: ascending)
    }
}
