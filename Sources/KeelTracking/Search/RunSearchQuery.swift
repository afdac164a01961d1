import KeelCore
import SQLKit

/// A run search compiled to one SQL statement over `runs r`, with joins only for ordering.
struct RunSearchQuery {
    let experimentIDs: [Int64]
    let filter: SearchFilter
    let order: [SearchOrder]
    let viewType: ViewType

    /// The selecting statement for one page (`limit` rows from `offset`).
    func statement(limit: Int, offset: Int) throws(KeelError) -> SQLQueryString {
        var joins: [SQLQueryString] = []
        var orderTerms: [SQLQueryString] = []
        for (index, term) in order.enumerated() {
            let alias = "o\(index)"
            switch term.entity {
            case .metric:
                joins.append("LEFT JOIN latest_metrics \(ident: alias) ON \(ident: alias).run_uuid = r.run_uuid AND \(ident: alias).key = \(bind: term.key)")
                orderTerms.append(SearchSQL.orderTerm("\(ident: alias).value", ascending: term.ascending))
            case .param, .tag:
                let table = term.entity == .param ? "params" : "tags"
                joins.append("LEFT JOIN \(ident: table) \(ident: alias) ON \(ident: alias).run_uuid = r.run_uuid AND \(ident: alias).key = \(bind: term.key)")
                orderTerms.append(SearchSQL.orderTerm("\(ident: alias).value", ascending: term.ascending))
            case .attribute:
                orderTerms.append(SearchSQL.orderTerm("r.\(ident: try Self.attributeColumn(term.key))", ascending: term.ascending))
            case .dataset:
                throw .invalidParameter("Ordering by datasets is not supported.")
            }
        }
        // MLflow's tie-breakers: newest first, then by id, so pages never overlap.
        if !order.contains(where: { $0.entity == .attribute && $0.key == "start_time" }) {
            orderTerms.append("r.start_time DESC")
        }
        orderTerms.append("r.run_uuid ASC")

        var conditions: [SQLQueryString] = [
            "r.experiment_id IN \(SQLBind.group(experimentIDs))",
            "r.lifecycle_stage IN \(SQLBind.group(viewType.stages))",
        ]
        for clause in filter.clauses {
            conditions.append(try Self.condition(clause))
        }
        return """
            SELECT \(unsafeRaw: RunRow.columns.map { "r." + $0 }.joined(separator: ", "))
            FROM runs r \(joins.joined(separator: " "))
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
    }

    /// The column behind a run attribute name (already normalised by the parser).
    static func attributeColumn(_ key: String) throws(KeelError) -> String {
        switch key {
        case "run_id", "run_uuid": "run_uuid"
        case "run_name": "name"
        case "user_id": "user_id"
        case "status": "status"
        case "start_time": "start_time"
        case "end_time": "end_time"
        case "artifact_uri": "artifact_uri"
        case "lifecycle_stage": "lifecycle_stage"
        default: throw .invalidParameter("Invalid attribute key '\(key)' specified.")
        }
    }

    static func condition(_ clause: SearchClause) throws(KeelError) -> SQLQueryString {
        switch clause.entity {
        case .metric:
            return """
                EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_uuid = r.run_uuid AND m.key = \(bind: clause.key) \
                AND m.is_nan = 0 AND \(try SearchSQL.comparison("m.value", clause.comparator, clause.value)))
                """
        case .param:
            return try SearchSQL.keyValueCondition(table: "params", ownerColumn: "run_uuid", owner: "r.run_uuid", clause: clause)
        case .tag:
            return try SearchSQL.keyValueCondition(table: "tags", ownerColumn: "run_uuid", owner: "r.run_uuid", clause: clause)
        case .attribute:
            return try SearchSQL.comparison("r.\(ident: try attributeColumn(clause.key))", clause.comparator, clause.value)
        case .dataset:
            return try datasetCondition(clause)
        }
    }

    private static func datasetCondition(_ clause: SearchClause) throws(KeelError) -> SQLQueryString {
        switch clause.key {
        case "name", "digest":
            return """
                EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid \
                WHERE i.run_uuid = r.run_uuid AND \(try SearchSQL.comparison("d.\(ident: clause.key)", clause.comparator, clause.value)))
                """
        case "context":
            return """
                EXISTS (SELECT 1 FROM run_inputs i JOIN input_tags t ON t.input_uuid = i.input_uuid \
                WHERE i.run_uuid = r.run_uuid AND t.key = 'mlflow.data.context' \
                AND \(try SearchSQL.comparison("t.value", clause.comparator, clause.value)))
                """
        default:
            throw .invalidParameter("Invalid dataset key '\(clause.key)': expected name, digest or context.")
        }
    }
}
