/// What one kind of search (runs, experiments, logged models, registered models or model
/// versions) lets a client filter and sort on, and how.
///
/// The tables are MLflow's, gathered from both its parser (`mlflow/utils/search_utils.py`)
/// and its SQL store, which checks comparators only when building the query. Keel checks
/// everything up front so the SQL compiler never meets an invalid clause.
enum SearchSchema: Sendable {
    case runs
    case experiments
    /// MLflow 3 `SearchLoggedModels`; its tables live in SearchSchema+LoggedModels.swift.
    case loggedModels
    /// MLflow `SearchRegisteredModels`; its tables live in SearchSchema+Registry.swift.
    case registeredModels
    /// MLflow `SearchModelVersions`; its tables live in SearchSchema+Registry.swift.
    case modelVersions

    /// What a clause's value must be.
    enum ValueKind: Sendable {
        /// Any finite numeric literal.
        case number
        /// An integer literal: MLflow rejects fractional experiment timestamps.
        case integer
        /// A quoted string, or a list of them where `IN` is allowed.
        case string
        /// A quoted string (or list) holding an integer, as experiment IDs are stored.
        case experimentID
        /// A quoted string, or an unquoted number kept as written: MLflow's logged-model
        /// search reads `params.lr = 0.01` as the string `0.01`. Lists still need quotes.
        case stringOrNumber
        /// An integer literal, or a quoted string holding one: MLflow's model-version search
        /// applies `int()` to `version_number`'s value. Either way it becomes a number.
        case quotableInteger
    }

    /// The comparators and value type one entity/key accepts.
    struct Rule: Sendable {
        var comparators: [SearchComparator]
        var value: ValueKind
    }

    /// Why an identifier is being resolved; runs sort on fewer attributes than they filter on.
    enum Purpose {
        case filter, ordering
    }

    static let numeric: [SearchComparator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    static let text: [SearchComparator] = [.equal, .notEqual, .like, .ilike]
    static let textOrList: [SearchComparator] = text + [.in, .notIn]
    private static let nullable: [SearchComparator] = text + [.isNull, .isNotNull]

    private static let runPrefixes: [String: SearchEntity] = [
        "metric": .metric, "metrics": .metric,
        "param": .param, "params": .param, "parameter": .param, "parameters": .param,
        "tag": .tag, "tags": .tag,
        "attribute": .attribute, "attributes": .attribute, "attr": .attribute, "run": .attribute,
        "dataset": .dataset, "datasets": .dataset,
    ]
    // MLflow accepts only these three prefixes for experiments, not "attributes" or "attr".
    private static let experimentPrefixes: [String: SearchEntity] = [
        "attribute": .attribute, "tag": .tag, "tags": .tag,
    ]

    private static let runOrderAttributes: [String: String] = [
        "run_id": "run_id", "run_name": "run_name", "user_id": "user_id", "status": "status",
        "start_time": "start_time", "end_time": "end_time", "artifact_uri": "artifact_uri",
        "created": "start_time", "Created": "start_time",
    ]
    // Only filters take the spaced run-name spellings; MLflow's order-by rejects them.
    private static let runFilterAttributes = runOrderAttributes.merging(
        ["run name": "run_name", "Run name": "run_name", "Run Name": "run_name"]
    ) { current, _ in current }
    private static let experimentAttributes: [String: String] = [
        "name": "name", "experiment_id": "experiment_id",
        "creation_time": "creation_time", "last_update_time": "last_update_time",
    ]
    private static let datasetKeys: Set<String> = ["name", "digest", "context"]

    /// The comparators and value type for `key` of `entity`, which must already be resolved.
    func rule(for entity: SearchEntity, key: String) -> Rule {
        switch (self, entity) {
        case (.loggedModels, _):
            return loggedModelRule(for: entity, key: key)
        case (.registeredModels, _), (.modelVersions, _):
            return registryRule(for: entity, key: key)
        case (.runs, .metric):
            return Rule(comparators: Self.numeric, value: .number)
        case (.runs, .param), (_, .tag):
            return Rule(comparators: Self.nullable, value: .string)
        case (.runs, .dataset):
            return Rule(comparators: Self.textOrList, value: .string)
        case (.runs, .attribute):
            switch key {
            case "start_time", "end_time": return Rule(comparators: Self.numeric, value: .number)
            case "run_id": return Rule(comparators: Self.textOrList, value: .string)
            default: return Rule(comparators: Self.text, value: .string)
            }
        case (.experiments, .attribute):
            switch key {
            case "creation_time", "last_update_time": return Rule(comparators: Self.numeric, value: .integer)
            case "experiment_id": return Rule(comparators: [.equal, .notEqual, .in, .notIn], value: .experimentID)
            default: return Rule(comparators: Self.text, value: .string)
            }
        case (.experiments, _):
            // Unreachable: resolve() admits only attributes and tags for experiments.
            return Rule(comparators: [], value: .string)
        }
    }

    /// The attributes that may be compared with a list, for MLflow's error message; `nil` when
    /// every string attribute may be (logged models), so only numeric ones are refused.
    var listAttributes: [String]? {
        switch self {
        case .runs: ["run_id"]
        case .experiments: ["experiment_id"]
        case .loggedModels: nil
        case .registeredModels: ["name"]
        case .modelVersions: ["name", "run_id"]
        }
    }

    /// What this search returns, for error messages.
    var searchedObjects: String {
        switch self {
        case .runs: "runs"
        case .experiments: "experiments"
        case .loggedModels: "logged models"
        case .registeredModels: "registered models"
        case .modelVersions: "model versions"
        }
    }

    /// Which entities `IS NULL` applies to, for error messages; `nil` if none do.
    var nullableEntities: String? {
        switch self {
        case .runs: "tags and params"
        case .experiments: "tags"
        case .loggedModels, .registeredModels, .modelVersions: nil
        }
    }

    /// Checks `identifier` and returns its entity and canonical key (`created` becomes
    /// `start_time`, `` `Run Name` `` becomes `run_name`).
    func resolve(_ identifier: SearchIdentifierSyntax, for purpose: Purpose) throws -> (SearchEntity, String) {
        let entity = try resolveEntity(identifier)
        let key = identifier.key
        switch entity {
        case .attribute:
            let table: [String: String]
            switch (self, purpose) {
            case (.runs, .filter): table = Self.runFilterAttributes
            case (.runs, .ordering): table = Self.runOrderAttributes
            case (.experiments, _): table = Self.experimentAttributes
            case (.loggedModels, _): table = Self.loggedModelAttributes
            case (.registeredModels, .filter): table = Self.registeredModelFilterAttributes
            case (.registeredModels, .ordering): table = Self.registeredModelOrderAttributes
            case (.modelVersions, .filter): table = Self.modelVersionFilterAttributes
            case (.modelVersions, .ordering): table = Self.modelVersionOrderAttributes
            }
            guard let canonical = table[key] else {
                let valid = Set(table.values).sorted().map { "'\($0)'" }.joined(separator: ", ")
                let shown = Self.clip(key)
                let hint = switch (self, purpose) {
                case (.runs, _), (.loggedModels, _):
                    " To use a metric, param or tag, prefix it: metrics.\(shown), params.\(shown) or tags.\(shown)."
                case (.experiments, .filter), (.registeredModels, .filter), (.modelVersions, .filter):
                    " To use a tag, prefix it: tags.\(shown)."
                case (.experiments, .ordering), (.registeredModels, .ordering), (.modelVersions, .ordering): ""
                }
                throw searchError("Invalid attribute key '\(shown)' specified. Valid keys are \(valid).\(hint)")
            }
            return (.attribute, canonical)
        case .dataset:
            guard Self.datasetKeys.contains(key) else {
                throw searchError(
                    "Invalid dataset key '\(Self.clip(key))' specified. Valid keys are 'name', 'digest' and 'context'."
                )
            }
            if purpose == .ordering {
                throw searchError(
                    "Invalid order_by entity: runs cannot be ordered by dataset fields "
                        + "('\(Self.clip(identifier.text))')."
                )
            }
            return (.dataset, key)
        case .tag where self == .experiments && purpose == .ordering:
            throw searchError(
                "Invalid order_by entity: experiments cannot be ordered by tags ('\(Self.clip(identifier.text))'). "
                    + "Valid keys are 'name', 'experiment_id', 'creation_time' and 'last_update_time'."
            )
        case .tag where (self == .registeredModels || self == .modelVersions) && purpose == .ordering:
            let valid = self == .registeredModels
                ? "'name', 'timestamp', 'creation_timestamp' and 'last_updated_timestamp'"
                : "'name', 'version_number', 'creation_timestamp' and 'last_updated_timestamp'"
            throw searchError(
                "Invalid order_by entity: \(searchedObjects) cannot be ordered by tags "
                    + "('\(Self.clip(identifier.text))'). Valid keys are \(valid)."
            )
        case .metric, .param, .tag:
            return (entity, key)
        }
    }

    private func resolveEntity(_ identifier: SearchIdentifierSyntax) throws -> SearchEntity {
        guard let prefix = identifier.prefix else { return .attribute }
        // MLflow strips backticks from a run prefix (`metrics`.acc) but compares the
        // experiment prefix as written, and never strips double quotes.
        let name: String
        switch (identifier.prefixQuote, self) {
        case (.none, _): name = prefix
        case (.backtick, .runs): name = prefix
        case (.backtick, .experiments), (.backtick, .loggedModels), (.backtick, .registeredModels),
             (.backtick, .modelVersions):
            name = "`\(prefix)`"
        case (.double, _), (.single, _): name = "\"\(prefix)\""
        }
        let (table, valid): ([String: SearchEntity], String) = switch self {
        case .runs:
            (Self.runPrefixes,
             "'metric(s)', 'param(s)', 'parameter(s)', 'tag(s)', 'attribute(s)', 'attr', 'run', 'dataset(s)'")
        case .experiments: (Self.experimentPrefixes, "'attribute', 'tag', 'tags'")
        case .loggedModels: (Self.loggedModelPrefixes, "'attributes', 'metrics', 'params', 'tags'")
        case .registeredModels, .modelVersions: (Self.registryPrefixes, "'attribute', 'tag', 'tags'")
        }
        if let entity = table[name] { return entity }
        throw searchError(
            "Invalid entity type '\(Self.clip(name))' in '\(Self.clip(identifier.text))'. "
                + "Valid entity types are \(valid)."
                + " Entity types are case-sensitive; quote keys that contain dots with backticks."
        )
    }

    /// Shortens user text quoted in an error message.
    static func clip(_ text: String, limit: Int = 80) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(limit))
        return String(view) + "…"
    }
}
