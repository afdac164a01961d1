/// The tables for MLflow 3 `SearchLoggedModels` filters.
///
/// They follow what MLflow's SQL store actually accepts (`parse_filter_string` in
/// `mlflow/utils/search_logged_model_utils.py`, used by `SqlAlchemyStore.search_logged_models`),
/// not the file store's looser `SearchLoggedModelsUtils`:
///
/// - Entity prefixes are exactly `attributes`, `metrics`, `params` and `tags`; MLflow rejects
///   the singular and `attr` spellings that run searches take, and has no dataset entity
///   (datasets arrive as a separate request field).
/// - Every string attribute, param and tag takes `=`, `!=`, `LIKE`, `ILIKE`, `IN` and `NOT IN`;
///   nothing takes `IS NULL`.
/// - Metrics and the two timestamps take the numeric comparators and a numeric value.
/// - A string field may be compared with an unquoted number (`params.lr = 0.01`, MLflow's own
///   example), which is kept as the string written.
///
/// Where MLflow fails with an internal error instead of a clean rejection (an unknown
/// attribute, `attributes.creation_timestamp`) Keel rejects or accepts consistently: the
/// aliases below are valid with or without the `attributes.` prefix.
extension SearchSchema {
    /// Entity prefix, exactly as MLflow spells it (case-sensitive, no backticks), to entity.
    static let loggedModelPrefixes: [String: SearchEntity] = [
        "attributes": .attribute, "metrics": .metric, "params": .param, "tags": .tag,
    ]

    /// Written attribute name to canonical key. The canonical keys are those of MLflow's
    /// `LoggedModel` entity; `creation_time` and the `_ms` column names are MLflow's aliases,
    /// and `last_updated_time` mirrors `SearchLoggedModelsUtils.NUMERIC_ATTRIBUTES`.
    static let loggedModelAttributes: [String: String] = [
        "name": "name", "model_id": "model_id", "model_type": "model_type", "status": "status",
        "source_run_id": "source_run_id",
        "creation_timestamp": "creation_timestamp", "creation_time": "creation_timestamp",
        "creation_timestamp_ms": "creation_timestamp",
        "last_updated_timestamp": "last_updated_timestamp", "last_updated_time": "last_updated_timestamp",
        "last_updated_timestamp_ms": "last_updated_timestamp",
    ]

    /// The rule for a resolved logged-model `entity`/`key`; `rule(for:key:)` delegates here.
    func loggedModelRule(for entity: SearchEntity, key: String) -> Rule {
        switch entity {
        case .metric:
            return Rule(comparators: Self.numeric, value: .number)
        case .attribute where key == "creation_timestamp" || key == "last_updated_timestamp":
            // MLflow applies float() to the value, so fractions are accepted here.
            return Rule(comparators: Self.numeric, value: .number)
        case .attribute, .param, .tag:
            return Rule(comparators: Self.textOrList, value: .stringOrNumber)
        case .dataset:
            // Unreachable: resolve() admits no dataset prefix for logged models.
            return Rule(comparators: [], value: .string)
        }
    }
}
