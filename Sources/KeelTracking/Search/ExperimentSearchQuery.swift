import KeelCore
import SQLKit

/// An experiment search compiled to one SQL statement over `experiments e`.
struct ExperimentSearchQuery {
    let filter: SearchFilter
    let order: [SearchOrder]
    let viewType: ViewType

    func statement(limit: Int, offset: Int) throws(KeelError) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["e.lifecycle_stage IN \(SQLBind.group(viewType.stages))"]
        for clause in filter.clauses {
            switch clause.entity {
            case .tag:
                conditions.append(try SearchSQL.keyValueCondition(
                    table: "experiment_tags", ownerColumn: "experiment_id", owner: "e.experiment_id", clause: clause
                ))
            case .attribute:
                if clause.key == "experiment_id" {
                    conditions.append(try Self.experimentIDCondition(clause))
                } else {
                    conditions.append(try SearchSQL.comparison("e.\(ident: try Self.column(clause.key))", clause.comparator, clause.value))
                }
            default:
                throw .invalidParameter("Invalid entity type '\(clause.entity.rawValue)' for an experiment search.")
            }
        }
        var orderTerms: [SQLQueryString] = []
        for term in order {
            guard term.entity == .attribute else {
                throw .invalidParameter("Experiments can only be ordered by attributes, not by '\(term.entity.rawValue)'.")
            }
            orderTerms.append(SearchSQL.orderTerm("e.\(ident: try Self.column(term.key))", ascending: term.ascending))
        }
        if order.isEmpty { orderTerms.append("e.creation_time DESC") }
        orderTerms.append("e.experiment_id ASC")
        return """
            SELECT \(unsafeRaw: ExperimentRow.columns.map { "e." + $0 }.joined(separator: ", "))
            FROM experiments e
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
    }

    static func column(_ key: String) throws(KeelError) -> String {
        switch key {
        case "name", "experiment_id", "creation_time", "last_update_time": key
        default: throw .invalidParameter("Invalid attribute key '\(key)' specified. Valid keys are name, experiment_id, creation_time, last_update_time.")
        }
    }

    /// Ids are strings on the wire but integers in the table: bind them as integers.
    private static func experimentIDCondition(_ clause: SearchClause) throws(KeelError) -> SQLQueryString {
        switch (clause.comparator, clause.value) {
        case (.in, .list(let items)), (.notIn, .list(let items)):
            let ids = try items.map { item throws(KeelError) in try TrackingService.experimentID(item) }
            return "e.experiment_id \(unsafeRaw: clause.comparator == .in ? "IN" : "NOT IN") \(SQLBind.group(ids))"
        case (_, .string(let text)):
            let id = try TrackingService.experimentID(text)
            return try SearchSQL.comparison("e.experiment_id", clause.comparator, .number(Double(id)))
        default:
            return try SearchSQL.comparison("e.experiment_id", clause.comparator, clause.value)
        }
    }
}
