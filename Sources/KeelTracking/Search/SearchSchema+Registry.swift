/// The tables for MLflow's model-registry searches, `SearchRegisteredModels` and
/// `SearchModelVersions`.
///
/// They follow MLflow's SQL store (`mlflow/store/model_registry/sqlalchemy_store.py`) together
/// with the parsers it calls, `SearchModelUtils` and `SearchModelVersionUtils` in
/// `mlflow/utils/search_utils.py`:
///
/// - Entity prefixes are exactly `attribute`, `tag` and `tags`, as written (case-sensitive, no
///   backticks); an unprefixed name is an attribute. There are no metrics, params or datasets.
/// - Registered models filter on the attribute `name` only; model versions on `name`, `run_id`,
///   `version_number` and `source_path`. Everything else MLflow rejects, `status`, `user_id`,
///   `current_stage` and the timestamps included.
/// - `name` and `run_id` take `=`, `!=`, `LIKE`, `ILIKE`, `IN` and `NOT IN`; `source_path` the
///   same without the lists; tags only `=`, `!=`, `LIKE` and `ILIKE`. Nothing takes `IS NULL`.
/// - `version_number` takes the numeric comparators and an integer, which MLflow also accepts
///   quoted (`version_number = '2'`, as its store applies `int()`), but never a fraction.
///
/// Where MLflow fails with an internal error instead of a clean rejection (`IS NULL`), or
/// rejects a spelling it accepts elsewhere (a backticked attribute name such as `` `name` ``),
/// Keel rejects cleanly or accepts consistently with its other searches.
///
/// Order-by follows the SQL store too, with one deliberate extension: registered models take
/// `name`, `timestamp` and `last_updated_timestamp` (the last two both meaning the
/// last-update time, so together they are a duplicate), plus `creation_timestamp`, which
/// MLflow's file store sorts by creation time but its SQL store rejects. Model versions take
/// `name`, `version_number`, `creation_timestamp` and `last_updated_timestamp`. Tags are
/// never sortable (MLflow's SQL store silently reads `tags.name` as the attribute `name`).
extension SearchSchema {
    /// Entity prefix, exactly as MLflow spells it, to entity (shared by both registry searches).
    static let registryPrefixes: [String: SearchEntity] = [
        "attribute": .attribute, "tag": .tag, "tags": .tag,
    ]

    /// `SearchModelUtils.VALID_SEARCH_ATTRIBUTE_KEYS`.
    static let registeredModelFilterAttributes: [String: String] = ["name": "name"]

    /// The SQL store's order-by keys (`SearchUtils.VALID_ORDER_BY_KEYS_REGISTERED_MODELS`, where
    /// `timestamp` means the last-update time) plus `creation_timestamp` from
    /// `SearchModelUtils.VALID_ORDER_BY_KEYS_REGISTERED_MODELS`.
    static let registeredModelOrderAttributes: [String: String] = [
        "name": "name", "timestamp": "last_updated_timestamp",
        "last_updated_timestamp": "last_updated_timestamp", "creation_timestamp": "creation_timestamp",
    ]

    /// `SearchModelVersionUtils.VALID_SEARCH_ATTRIBUTE_KEYS`.
    static let modelVersionFilterAttributes: [String: String] = [
        "name": "name", "run_id": "run_id", "version_number": "version_number", "source_path": "source_path",
    ]

    /// `SearchModelVersionUtils.VALID_ORDER_BY_ATTRIBUTE_KEYS`.
    static let modelVersionOrderAttributes: [String: String] = [
        "name": "name", "version_number": "version_number",
        "creation_timestamp": "creation_timestamp", "last_updated_timestamp": "last_updated_timestamp",
    ]

    /// The rule for a resolved registry `entity`/`key`; `rule(for:key:)` delegates here.
    func registryRule(for entity: SearchEntity, key: String) -> Rule {
        switch (entity, key) {
        case (.attribute, "version_number"):
            return Rule(comparators: Self.numeric, value: .quotableInteger)
        case (.attribute, "name"), (.attribute, "run_id"):
            return Rule(comparators: Self.textOrList, value: .string)
        case (.attribute, _), (.tag, _):
            return Rule(comparators: Self.text, value: .string)
        case (.metric, _), (.param, _), (.dataset, _):
            // Unreachable: resolve() admits only attributes and tags for registry searches.
            return Rule(comparators: [], value: .string)
        }
    }
}

/// How MLflow's registry searches treat the `mlflow.prompt.is_prompt` tag, which marks
/// prompts stored as registered models (MLflow's `_is_querying_prompt` and
/// `_update_query_to_exclude_prompts`).
public enum RegistryPromptScope: Sendable, Hashable {
    /// The filter asks for prompts; every clause, the prompt-tag one included, is an
    /// ordinary tag condition.
    case promptsOnly
    /// The default: rows whose model name carries the tag with value exactly `true` are
    /// excluded (an anti-join, because ordinary models lack the tag altogether), and every
    /// clause on the prompt tag is dropped, whatever its comparator or value.
    case excludePrompts
}

extension SearchFilter {
    /// The tag MLflow uses to mark a registered model (and its versions) as a prompt.
    public static let promptTagKey = "mlflow.prompt.is_prompt"

    /// MLflow's prompt handling for a registered-model or model-version filter: the scope and
    /// the clauses left to compile as written.
    ///
    /// Only the first clause on the prompt tag decides: `= 'true'` or `!= 'false'` (value
    /// compared case-insensitively) selects prompts; anything else, or no such clause (the
    /// client appends `` tag.`mlflow.prompt.is_prompt` != 'true' ``), excludes them. For model
    /// versions MLflow looks for the tag among version tags, and excludes every version of a
    /// model name any of whose versions carries `true`.
    public func registryPromptScope() -> (scope: RegistryPromptScope, clauses: [SearchClause]) {
        let first = clauses.first { $0.entity == .tag && $0.key == Self.promptTagKey }
        if let first, case .string(let value) = first.value {
            let lowered = value.lowercased()
            if (first.comparator == .equal && lowered == "true") || (first.comparator == .notEqual && lowered == "false") {
                return (.promptsOnly, clauses)
            }
        }
        let remaining = clauses.filter { !($0.entity == .tag && $0.key == Self.promptTagKey) }
        return (.excludePrompts, remaining)
    }
}
