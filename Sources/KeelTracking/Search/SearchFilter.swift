/// The kind of data a search clause or ordering refers to: the `metrics.` in `metrics.acc > 0.9`.
///
/// Experiments, registered models and model versions only use ``attribute`` and ``tag``;
/// logged models all but ``dataset``; runs use all five.
public enum SearchEntity: String, Sendable, Hashable {
    /// A run's latest logged metric value, or any value a logged model has for the metric (numeric).
    case metric
    /// A run or logged-model parameter (string).
    case param
    /// A run, experiment, logged-model, registered-model or model-version tag (string).
    case tag
    /// A built-in column such as `status`, `start_time` or an experiment's `name`.
    case attribute
    /// A dataset logged as a run input: its `name`, `digest` or `context`.
    case dataset
}

/// A comparison operator. The raw value is MLflow's canonical spelling, upper-cased.
public enum SearchComparator: String, Sendable, Hashable {
    /// `=`
    case equal = "="
    /// `!=`
    case notEqual = "!="
    /// `<`
    case less = "<"
    /// `<=`
    case lessOrEqual = "<="
    /// `>`
    case greater = ">"
    /// `>=`
    case greaterOrEqual = ">="
    /// SQL `LIKE`: `%` and `_` wildcards, case-sensitive.
    case like = "LIKE"
    /// SQL `ILIKE`: like ``like`` but case-insensitive.
    case ilike = "ILIKE"
    /// Membership in a parenthesised list of strings.
    case `in` = "IN"
    /// Non-membership in a parenthesised list of strings.
    case notIn = "NOT IN"
    /// The param or tag is absent; the clause has no value.
    case isNull = "IS NULL"
    /// The param or tag is present; the clause has no value.
    case isNotNull = "IS NOT NULL"
}

/// The right-hand side of a clause, already checked against the entity's expected type.
public enum SearchValue: Sendable, Hashable {
    /// A string, exactly as written between its quotes.
    ///
    /// As in MLflow, no unescaping happens: `'it''s'` yields `it''s`. To match a value
    /// holding one kind of quote, quote it with the other kind: `"it's"`.
    case string(String)
    /// A numeric literal (metrics and timestamp attributes). Always finite.
    case number(Double)
    /// The strings of an `IN (...)` / `NOT IN (...)` list; never empty.
    case list([String])
    /// No value: the comparator is ``SearchComparator/isNull`` or ``SearchComparator/isNotNull``.
    case none
}

/// One `<entity>.<key> <comparator> <value>` condition.
public struct SearchClause: Sendable, Hashable {
    /// What the key names: a metric, param, tag, attribute or dataset field.
    public var entity: SearchEntity
    /// The metric/param/tag name, or the canonical attribute name (`start_time`, never `created`).
    public var key: String
    /// How the stored value is compared with ``value``.
    public var comparator: SearchComparator
    /// The value to compare with; its case always suits ``comparator`` and ``entity``.
    public var value: SearchValue

    /// Creates a clause; the parser is the usual source, this is for tests and internal callers.
    public init(entity: SearchEntity, key: String, comparator: SearchComparator, value: SearchValue) {
        self.entity = entity
        self.key = key
        self.comparator = comparator
        self.value = value
    }
}

/// A parsed and validated MLflow search filter such as
/// `metrics.acc > 0.9 AND params.model = 'cnn' AND tags.\`mlflow.user\` LIKE 'a%'`.
///
/// Every rule MLflow checks (in its parser or later in its SQL store) is checked here, so a
/// filter that parses is safe to compile to SQL without further validation.
public struct SearchFilter: Sendable, Hashable {
    /// The conditions, all of which must hold (MLflow filters have no `OR`).
    public var clauses: [SearchClause]

    /// Creates a filter from already-validated clauses.
    public init(clauses: [SearchClause]) {
        self.clauses = clauses
    }

    /// Parses a `SearchRuns` filter: metrics, params, tags, run attributes and datasets.
    ///
    /// - Parameter text: The filter string; `nil`, empty or all-whitespace means no filter.
    /// - Throws: `KeelError` with code `INVALID_PARAMETER_VALUE` describing the first problem.
    public static func parseRuns(_ text: String?) throws -> SearchFilter {
        try parse(text, schema: .runs)
    }

    /// Parses a `SearchExperiments` filter: experiment attributes and tags.
    ///
    /// - Parameter text: The filter string; `nil`, empty or all-whitespace means no filter.
    /// - Throws: `KeelError` with code `INVALID_PARAMETER_VALUE` describing the first problem.
    public static func parseExperiments(_ text: String?) throws -> SearchFilter {
        try parse(text, schema: .experiments)
    }

    /// Parses an MLflow 3 `SearchLoggedModels` filter: metrics, params, tags and logged-model
    /// attributes, as MLflow's SQL store accepts them.
    ///
    /// Entity prefixes are `attributes.`, `metrics.`, `params.` and `tags.` (an unprefixed
    /// name is an attribute). Attribute keys come back canonical: `name`, `model_id`,
    /// `model_type`, `status`, `source_run_id`, `creation_timestamp` (also written
    /// `creation_time` or `creation_timestamp_ms`) and `last_updated_timestamp` (also
    /// `last_updated_time` or `last_updated_timestamp_ms`). String fields take `=`, `!=`,
    /// `LIKE`, `ILIKE`, `IN` and `NOT IN`, and an unquoted number is read as the string written
    /// (`params.lr = 0.01`); metrics and timestamps take `=`, `!=`, `<`, `<=`, `>`, `>=` with a
    /// number. `IS NULL` and dataset clauses are rejected: datasets are a separate request field.
    ///
    /// - Parameter text: The filter string; `nil`, empty or all-whitespace means no filter.
    /// - Throws: `KeelError` with code `INVALID_PARAMETER_VALUE` describing the first problem.
    public static func parseLoggedModels(_ text: String?) throws -> SearchFilter {
        try parse(text, schema: .loggedModels)
    }

    /// Parses a `SearchRegisteredModels` filter: the attribute `name` and registered-model tags,
    /// as MLflow's SQL store accepts them.
    ///
    /// Entity prefixes are `attribute.`, `tag.` and `tags.` (an unprefixed name is an
    /// attribute). `name` takes `=`, `!=`, `LIKE`, `ILIKE`, `IN` and `NOT IN`; tags take `=`,
    /// `!=`, `LIKE` and `ILIKE`; all values are quoted strings. `IS NULL` is rejected. The
    /// clause MLflow's client appends, `` tag.`mlflow.prompt.is_prompt` != 'true' ``, parses as an
    /// ordinary tag clause; MLflow gives it special meaning when the query is built.
    ///
    /// - Parameter text: The filter string; `nil`, empty or all-whitespace means no filter.
    /// - Throws: `KeelError` with code `INVALID_PARAMETER_VALUE` describing the first problem.
    public static func parseRegisteredModels(_ text: String?) throws -> SearchFilter {
        try parse(text, schema: .registeredModels)
    }

    /// Parses a `SearchModelVersions` filter: model-version attributes and tags, as MLflow's SQL
    /// store accepts them.
    ///
    /// Entity prefixes are `attribute.`, `tag.` and `tags.` (an unprefixed name is an
    /// attribute). The attributes are exactly `name` and `run_id` (`=`, `!=`, `LIKE`, `ILIKE`,
    /// `IN`, `NOT IN`), `source_path` (`=`, `!=`, `LIKE`, `ILIKE`) and `version_number` (`=`,
    /// `!=`, `<`, `<=`, `>`, `>=` with an integer, which may also be quoted, as in
    /// `version_number = '3'`; it always comes back as ``SearchValue/number(_:)``). Tags take
    /// `=`, `!=`, `LIKE` and `ILIKE` with a quoted string. `IS NULL` is rejected.
    ///
    /// - Parameter text: The filter string; `nil`, empty or all-whitespace means no filter.
    /// - Throws: `KeelError` with code `INVALID_PARAMETER_VALUE` describing the first problem.
    public static func parseModelVersions(_ text: String?) throws -> SearchFilter {
        try parse(text, schema: .modelVersions)
    }

    private static func parse(_ text: String?, schema: SearchSchema) throws -> SearchFilter {
        // MLflow rejects an all-blank filter, but clients build filters by concatenation and
        // a blank one plainly means "no filter", so Keel treats it like an absent one.
        guard let text, !text.unicodeScalars.allSatisfy(\.properties.isWhitespace) else {
            return SearchFilter(clauses: [])
        }
        var parser = SearchFilterParser(text: text, schema: schema)
        return SearchFilter(clauses: try parser.parse())
    }
}
