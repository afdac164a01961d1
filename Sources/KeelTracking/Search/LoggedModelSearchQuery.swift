import KeelCore
import SQLKit

/// One `order_by` entry of a logged-model search (it arrives as an object, not text).
public struct LoggedModelOrder: Sendable, Hashable {
    /// An attribute (`name`, `creation_timestamp`, …) or `metrics.<key>`.
    public var fieldName: String
    /// Ascending unless false.
    public var ascending: Bool
    /// For metrics: only observations on this dataset count.
    public var datasetName: String?
    /// For metrics: only observations on this dataset digest count.
    public var datasetDigest: String?

    /// Creates an order entry.
    public init(fieldName: String, ascending: Bool = true, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.fieldName = fieldName
        self.ascending = ascending
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// A dataset restriction of a logged-model search: only models with metrics on these datasets.
public struct LoggedModelDatasetFilter: Sendable, Hashable {
    /// The dataset's name (required).
    public var name: String
    /// Its digest, if only one version counts.
    public var digest: String?

    /// Creates a restriction.
    public init(name: String, digest: String?) {
        self.name = name
        self.digest = digest
    }
}

/// A logged-model search compiled to one SQL statement over `logged_models lm`.
struct LoggedModelSearchQuery {
    let experimentIDs: [Int64]
    let filter: SearchFilter
    let datasets: [LoggedModelDatasetFilter]
    let order: [LoggedModelOrder]

    func statement(limit: Int, offset: Int) throws(KeelError) -> SQLQueryString {
        var conditions: [SQLQueryString] = [
            "lm.experiment_id IN \(SQLBind.group(experimentIDs))",
            "lm.lifecycle_stage = \(bind: LifecycleStage.active.rawValue)",
        ]
        for clause in filter.clauses {
            conditions.append(try Self.condition(clause, datasets: datasets))
        }
        if !datasets.isEmpty {
            let anyDataset = datasets.map { "(\(Self.datasetMatch($0.name, $0.digest)))" as SQLQueryString }
            conditions.append("EXISTS (SELECT 1 FROM metrics mm WHERE mm.model_id = lm.model_id AND (\(anyDataset.joined(separator: " OR "))))")
        }
        var orderTerms: [SQLQueryString] = []
        for term in order {
            if term.fieldName.hasPrefix("metrics.") {
                let key = String(term.fieldName.dropFirst("metrics.".count))
                var scope: SQLQueryString = ""
                if let name = term.datasetName { scope += " AND mm.dataset_name = \(bind: name)" }
                if let digest = term.datasetDigest { scope += " AND mm.dataset_digest = \(bind: digest)" }
                let latest: SQLQueryString = """
                    (SELECT mm.value FROM metrics mm WHERE mm.model_id = lm.model_id AND mm.key = \(bind: key)\(scope) \
                    ORDER BY mm.step DESC, mm.timestamp DESC LIMIT 1)
                    """
                orderTerms.append(SearchSQL.orderTerm(latest, ascending: term.ascending))
            } else if term.fieldName.contains(".") {
                throw .invalidParameter("Invalid order by field name: \(term.fieldName). Only metrics are supported.")
            } else {
                orderTerms.append(SearchSQL.orderTerm("lm.\(ident: try Self.column(term.fieldName))", ascending: term.ascending))
            }
        }
        if !order.contains(where: { (try? Self.column($0.fieldName)) == "creation_timestamp_ms" }) {
            orderTerms.append("lm.creation_timestamp_ms DESC")
        }
        orderTerms.append("lm.model_id ASC")
        return """
            SELECT \(unsafeRaw: LoggedModelRow.columns.map { "lm." + $0 }.joined(separator: ", "))
            FROM logged_models lm
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
    }

    static func column(_ attribute: String) throws(KeelError) -> String {
        switch attribute {
        case "name", "model_id", "model_type", "status", "source_run_id": attribute
        case "creation_timestamp", "creation_time", "creation_timestamp_ms": "creation_timestamp_ms"
        case "last_updated_timestamp", "last_updated_time", "last_updated_timestamp_ms": "last_updated_timestamp_ms"
        default: throw .invalidParameter("Invalid order by field name: \(attribute)")
        }
    }

    private static func datasetMatch(_ name: String, _ digest: String?) -> SQLQueryString {
        if let digest { return "mm.dataset_name = \(bind: name) AND mm.dataset_digest = \(bind: digest)" }
        return "mm.dataset_name = \(bind: name)"
    }

    private static func condition(_ clause: SearchClause, datasets: [LoggedModelDatasetFilter]) throws(KeelError) -> SQLQueryString {
        switch clause.entity {
        case .metric:
            var scope: SQLQueryString = ""
            if !datasets.isEmpty {
                scope = " AND (\(datasets.map { "(\(datasetMatch($0.name, $0.digest)))" as SQLQueryString }.joined(separator: " OR ")))"
            }
            return """
                EXISTS (SELECT 1 FROM metrics mm WHERE mm.model_id = lm.model_id AND mm.key = \(bind: clause.key) \
                AND mm.is_nan = 0\(scope) AND \(try SearchSQL.comparison("mm.value", clause.comparator, clause.value)))
                """
        case .param:
            return try SearchSQL.keyValueCondition(table: "logged_model_params", ownerColumn: "model_id", owner: "lm.model_id", clause: clause)
        case .tag:
            return try SearchSQL.keyValueCondition(table: "logged_model_tags", ownerColumn: "model_id", owner: "lm.model_id", clause: clause)
        case .attribute where clause.key == "status":
            return try SearchSQL.comparison("lm.status", clause.comparator, try statusValue(clause.value))
        case .attribute:
            return try SearchSQL.comparison("lm.\(ident: try column(clause.key))", clause.comparator, clause.value)
        case .dataset:
            throw .invalidParameter("Filter logged models by dataset with the 'datasets' field, not in the filter string.")
        }
    }

    /// Status names as users write them (`READY`) or MLflow stores them (`2`) map to Keel's.
    private static func statusValue(_ value: SearchValue) throws(KeelError) -> SearchValue {
        func canonical(_ text: String) -> String {
            LoggedModelStatus(filterValue: text)?.rawValue ?? text
        }
        switch value {
        case .string(let text): return .string(canonical(text))
        case .number(let number): return .string(canonical(String(Int(number))))
        case .list(let items): return .list(items.map(canonical))
        case .none: return value
        }
    }
}
