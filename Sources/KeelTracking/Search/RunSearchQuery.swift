import KeelCore
import SQLKit

/// A run search compiled to one SQL statement over `runs r`, with joins only for ordering.
struct RunSearchQuery {
    let experimentIDs: [Int64]
    let filter: SearchFilter
    let order: [SearchOrder]
    let viewType: ViewType

    /// The selecting statement for one page (`limit` rows from `offset`, or after `seek`), in
    /// one pass over the experiment's runs. Fine for attribute and param/tag orders; a metric
    /// order goes through ``metricOrderedPage(drivenBy:)`` instead, which does not scan every run.
    func statement(limit: Int, offset: Int, after seek: RunSeek? = nil) throws(KeelError) -> SQLQueryString {
        let (joins, orderTerms) = try orderJoinsAndTerms(order)
        var filters = try conditions()
        if let seek { filters.append(Self.after(seek)) }
        return """
            SELECT \(unsafeRaw: Self.selectList)
            FROM runs r \(joins.joined(separator: " "))
            WHERE \(filters.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT \(bind: limit) OFFSET \(bind: seek == nil ? offset : 0)
            """
    }

    /// Whether a page can resume after the previous page's last run (``RunSeek``) instead of
    /// counting an offset: true when, past an optional leading metric, the order is the
    /// default newest-first (`start_time DESC, run_uuid ASC`), which the
    /// `runs_by_experiment_newest` index walks directly.
    var canSeek: Bool {
        let rest = leadingMetricOrder == nil ? order[...] : order.dropFirst()
        guard let only = rest.first else { return true }
        return rest.count == 1 && only.entity == .attribute && only.key == "start_time" && !only.ascending
    }

    /// Runs after `seek` in newest-first order.
    ///
    /// The lone range test lets the index start at the seek's start time (SQLite plans no range
    /// from an `OR`); the second test steps past the ties already shown. `start_time` is never
    /// NULL in Keel's store (a run without one starts now), so the databases' different NULL
    /// placement cannot split a page here.
    private static func after(_ seek: RunSeek) -> SQLQueryString {
        """
        r.start_time <= \(bind: seek.startTime) AND (r.start_time < \(bind: seek.startTime) \
        OR (r.start_time = \(bind: seek.startTime) AND r.run_uuid > \(bind: seek.runID)))
        """
    }

    /// The metric key of the first order term, when the search is ordered by a metric first.
    var leadingMetricOrder: SearchOrder? {
        guard let first = order.first, first.entity == .metric else { return nil }
        return first
    }

    /// The statements that page through a search ordered by a metric first, in two parts.
    ///
    /// Runs that have the metric come first, walked in value order straight from the
    /// `latest_metrics (key, value)` index and stopped at the page's end; runs without it
    /// follow. So a page costs about the same whether the experiment holds a thousand runs or
    /// a hundred thousand, instead of sorting every run for every page.
    struct MetricOrderedPage: Sendable {
        /// Runs with the metric, in order, `LIMIT/OFFSET` applied, or after a seek position.
        let withMetric: @Sendable (_ limit: Int, _ offset: Int, _ seek: RunSeek?) throws(KeelError) -> SQLQueryString
        /// How many runs have the metric (needed only when a page starts past them).
        let countWithMetric: SQLQueryString
        /// Runs without the metric, in the remaining order, from `offset` or after a seek position.
        let withoutMetric: @Sendable (_ limit: Int, _ offset: Int, _ seek: RunSeek?) throws(KeelError) -> SQLQueryString
    }

    /// Which table a metric-ordered page starts from.
    enum MetricPageDriver: Sendable {
        /// The metric's `(key, value)` index, in value order, stopped at the page's end: cost
        /// independent of the experiment's size, but every experiment's runs with that metric
        /// are on the way. For large experiments.
        case metricIndex
        /// The experiment's runs, each looked up in `latest_metrics`, then sorted: cost
        /// proportional to the experiment alone. For small experiments, which would otherwise
        /// pay for the runs of every other experiment logging the same metric.
        case experiment
    }

    /// Experiments with fewer runs than this are read experiment first (``MetricPageDriver``).
    static let smallExperimentRuns = 1_000

    /// Counts the searched experiments' runs, stopping at ``smallExperimentRuns``.
    func sizeProbe() -> SQLQueryString {
        """
        SELECT COUNT(*) AS count FROM (
            SELECT 1 FROM runs r
            WHERE r.experiment_id IN \(SQLBind.group(experimentIDs)) AND r.lifecycle_stage IN \(SQLBind.group(viewType.stages))
            LIMIT \(bind: Self.smallExperimentRuns)
        ) probe
        """
    }

    func metricOrderedPage(drivenBy driver: MetricPageDriver = .metricIndex) throws(KeelError) -> MetricOrderedPage? {
        guard let lead = leadingMetricOrder else { return nil }
        let rest = Array(order.dropFirst())
        let (joins, restTerms) = try orderJoinsAndTerms(rest)
        let filters = try conditions()
        let direction = lead.ascending ? "ASC" : "DESC"
        // CROSS JOIN keeps SQLite from reordering the join, so the chosen driver is the outer
        // loop (PostgreSQL treats it as a plain inner join and plans it itself).
        let source: SQLQueryString = switch driver {
        case .metricIndex: "latest_metrics lead CROSS JOIN runs r"
        case .experiment: "runs r CROSS JOIN latest_metrics lead"
        }
        let hasMetric: SQLQueryString = "lead.key = \(bind: lead.key) AND lead.value IS NOT NULL"
        let withMetric = { @Sendable (limit: Int, offset: Int, seek: RunSeek?) throws(KeelError) -> SQLQueryString in
            var conditions = filters
            if let seek, let value = seek.metric {
                // The range test lets the (key, value) index start at the seek value; the
                // second test steps past the ties already shown.
                let atOrPast = lead.ascending ? ">=" : "<="
                let past = lead.ascending ? ">" : "<"
                conditions.append("""
                    lead.value \(unsafeRaw: atOrPast) \(bind: value) \
                    AND (lead.value \(unsafeRaw: past) \(bind: value) OR (\(Self.after(seek))))
                    """)
            }
            return """
                SELECT \(unsafeRaw: Self.selectList)
                FROM \(source) \(joins.joined(separator: " "))
                WHERE r.run_uuid = lead.run_uuid AND \(hasMetric) AND \(conditions.joined(separator: " AND "))
                ORDER BY lead.value \(unsafeRaw: direction), \(restTerms.joined(separator: ", "))
                LIMIT \(bind: limit) OFFSET \(bind: seek == nil ? offset : 0)
                """
        }
        let countWithMetric: SQLQueryString = """
            SELECT COUNT(*) AS count FROM \(source)
            WHERE r.run_uuid = lead.run_uuid AND \(hasMetric) AND \(filters.joined(separator: " AND "))
            """
        let withoutMetric = { @Sendable (limit: Int, offset: Int, seek: RunSeek?) throws(KeelError) -> SQLQueryString in
            var conditions = filters
            if let seek { conditions.append(Self.after(seek)) }
            return """
                SELECT \(unsafeRaw: Self.selectList)
                FROM runs r \(joins.joined(separator: " "))
                WHERE NOT EXISTS (SELECT 1 FROM latest_metrics lead WHERE lead.run_uuid = r.run_uuid AND \(hasMetric))
                  AND \(conditions.joined(separator: " AND "))
                ORDER BY \(restTerms.joined(separator: ", "))
                LIMIT \(bind: limit) OFFSET \(bind: seek == nil ? offset : 0)
                """
        }
        return MetricOrderedPage(withMetric: withMetric, countWithMetric: countWithMetric, withoutMetric: withoutMetric)
    }

    private static let selectList = RunRow.columns.map { "r." + $0 }.joined(separator: ", ")

    /// The experiment, lifecycle and filter conditions on `runs r`.
    private func conditions() throws(KeelError) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = [
            "r.experiment_id IN \(SQLBind.group(experimentIDs))",
            "r.lifecycle_stage IN \(SQLBind.group(viewType.stages))",
        ]
        for clause in filter.clauses {
            conditions.append(try Self.condition(clause))
        }
        return conditions
    }

    /// Joins and ORDER BY terms for `terms`, plus MLflow's tie-breakers (newest first, then id)
    /// so pages never overlap.
    private func orderJoinsAndTerms(_ terms: [SearchOrder]) throws(KeelError) -> ([SQLQueryString], [SQLQueryString]) {
        var joins: [SQLQueryString] = []
        var orderTerms: [SQLQueryString] = []
        for (index, term) in terms.enumerated() {
            let alias = "o\(index)"
            switch term.entity {
            case .metric:
                joins.append("LEFT JOIN latest_metrics \(ident: alias) ON \(ident: alias).run_uuid = r.run_uuid AND \(ident: alias).key = \(bind: term.key)")
                orderTerms.append(SearchSQL.orderTerm("\(ident: alias).value", ascending: term.ascending))
            case .param, .tag:
                let table = term.entity == .param ? "params" : "tags"
                joins.append("LEFT JOIN \(ident: table) \(ident: alias) ON \(ident: alias).run_uuid = r.run_uuid AND \(ident: alias).key = \(bind: term.key)")
                orderTerms.append(SearchSQL.orderTerm("\(ident: alias).value", ascending: term.ascending))
            case .attribute where term.key == "start_time":
                // Never NULL (see `after(_:)`), so the plain term, which the paging index serves.
                orderTerms.append("r.start_time \(unsafeRaw: term.ascending ? "ASC" : "DESC")")
            case .attribute:
                orderTerms.append(SearchSQL.orderTerm("r.\(ident: try Self.attributeColumn(term.key))", ascending: term.ascending))
            case .dataset:
                throw .invalidParameter("Ordering by datasets is not supported.")
            }
        }
        if !order.contains(where: { $0.entity == .attribute && $0.key == "start_time" }) {
            orderTerms.append("r.start_time DESC")
        }
        orderTerms.append("r.run_uuid ASC")
        return (joins, orderTerms)
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
