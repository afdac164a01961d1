import KeelCore
import KeelTracking
import SQLKit

/// Registry searches compiled to SQL with every user value bound.
enum RegistrySearchQuery {
    static func registeredModels(filter: SearchFilter, order: [SearchOrder], limit: Int, offset: Int) throws(KeelError) -> SQLQueryString {
        let (scope, clauses) = filter.registryPromptScope()
        var conditions: [SQLQueryString] = ["1 = 1"]
        if scope == .excludePrompts {
            conditions.append(excludingPrompts(table: "registered_model_tags", owner: "t.name = rm.name"))
        }
        for clause in clauses {
            switch clause.entity {
            case .attribute where clause.key == "name":
                conditions.append(try SearchSQL.comparison("rm.name", clause.comparator, clause.value))
            case .tag:
                conditions.append(try tagCondition(clause, table: "registered_model_tags", owner: "t.name = rm.name"))
            default:
                throw .invalidParameter("Invalid clause '\(clause.entity.rawValue).\(clause.key)' for a registered model search.")
            }
        }
        var orderTerms: [SQLQueryString] = []
        for term in order {
            let column = switch term.key {
            case "name": "name"
            case "creation_timestamp": "creation_timestamp"
            default: "last_updated_timestamp"
            }
            orderTerms.append("rm.\(ident: column) \(unsafeRaw: term.ascending ? "ASC" : "DESC")")
        }
        if !order.contains(where: { $0.key == "name" }) { orderTerms.append("rm.name ASC") }
        return """
            SELECT \(unsafeRaw: RegisteredModelRow.columns.map { "rm." + $0 }.joined(separator: ", "))
            FROM registered_models rm WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", ")) LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
    }

    static func modelVersions(filter: SearchFilter, order: [SearchOrder], limit: Int, offset: Int) throws(KeelError) -> SQLQueryString {
        let (scope, clauses) = filter.registryPromptScope()
        var conditions: [SQLQueryString] = ["mv.current_stage <> \(bind: ModelStage.deletedInternal)"]
        if scope == .excludePrompts {
            // Any version tagged as a prompt hides every version of that model name, as in MLflow.
            conditions.append(excludingPrompts(table: "model_version_tags", owner: "t.name = mv.name"))
        }
        for clause in clauses {
            switch clause.entity {
            case .attribute:
                let column = switch clause.key {
                case "name": "name"
                case "run_id": "run_id"
                case "version_number": "version"
                case "source_path": "source"
                case "user_id": "user_id"
                case "current_stage": "current_stage"
                case "description": "description"
                case "status": "status"
                case "model_id": "model_id"
                default: throw KeelError.invalidParameter("Invalid attribute '\(clause.key)' for a model version search.")
                }
                conditions.append(try SearchSQL.comparison("mv.\(ident: column)", clause.comparator, clause.value))
            case .tag:
                conditions.append(try tagCondition(clause, table: "model_version_tags", owner: "t.name = mv.name AND t.version = mv.version"))
            default:
                throw .invalidParameter("Invalid clause '\(clause.entity.rawValue).\(clause.key)' for a model version search.")
            }
        }
        var orderTerms: [SQLQueryString] = []
        for term in order {
            let column = switch term.key {
            case "name": "name"
            case "version_number": "version"
            case "creation_timestamp": "creation_timestamp"
            default: "last_updated_timestamp"
            }
            orderTerms.append("mv.\(ident: column) \(unsafeRaw: term.ascending ? "ASC" : "DESC")")
        }
        if order.isEmpty { orderTerms.append("mv.last_updated_timestamp DESC") }
        if !order.contains(where: { $0.key == "name" }) { orderTerms.append("mv.name ASC") }
        if !order.contains(where: { $0.key == "version_number" }) { orderTerms.append("mv.version DESC") }
        return """
            SELECT \(unsafeRaw: ModelVersionRow.columns.map { "mv." + $0 }.joined(separator: ", "))
            FROM model_versions mv WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", ")) LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
    }

    /// MLflow stores prompts as registered models tagged `mlflow.prompt.is_prompt = true`;
    /// model searches leave them out unless the filter asks for prompts.
    private static func excludingPrompts(table: String, owner: SQLQueryString) -> SQLQueryString {
        """
        NOT EXISTS (SELECT 1 FROM \(ident: table) t WHERE \(owner) \
        AND t.key = \(bind: SearchFilter.promptTagKey) AND LOWER(t.value) = 'true')
        """
    }

    private static func tagCondition(_ clause: SearchClause, table: String, owner: SQLQueryString) throws(KeelError) -> SQLQueryString {
        let exists: SQLQueryString = "SELECT 1 FROM \(ident: table) t WHERE \(owner) AND t.key = \(bind: clause.key)"
        switch clause.comparator {
        case .isNull: return "NOT EXISTS (\(exists))"
        case .isNotNull: return "EXISTS (\(exists))"
        default:
            return "EXISTS (\(exists) AND \(try SearchSQL.comparison("t.value", clause.comparator, clause.value)))"
        }
    }
}
