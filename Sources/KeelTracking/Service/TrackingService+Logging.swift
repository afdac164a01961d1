import KeelCore
import KeelStore
import SQLKit

extension TrackingService {
    /// Logs one metric observation.
    public func logMetric(runID: String, metric: Metric) async throws {
        try await logBatch(runID: runID, metrics: [metric], params: [], tags: [])
    }

    /// Logs one param; logging the same value again is fine, a different value is refused.
    public func logParam(runID: String, param: KeyValue) async throws {
        try await logBatch(runID: runID, metrics: [], params: [param], tags: [])
    }

    /// Sets (or replaces) one tag.
    public func setTag(runID: String, tag: KeyValue) async throws {
        try await logBatch(runID: runID, metrics: [], params: [], tags: [tag])
    }

    /// Logs metrics, params and tags in one transaction: all of them or none.
    public func logBatch(runID: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) async throws {
        try Self.validateBatch(metrics: metrics, params: params, tags: tags)
        let params = try Self.deduplicatedParams(params).map {
            KeyValue(key: $0.key, value: ValueLimits.truncated($0.value, to: ValueLimits.paramValue))
        }
        let tags = Self.lastValuePerKey(tags).map {
            KeyValue(key: $0.key, value: ValueLimits.truncated($0.value, to: ValueLimits.runTagValue))
        }
        // Every statement is built before taking the writer: SQLite has one, and while this
        // write holds it, it should only be running statements.
        let dialect = store.dialect
        let lookup = try Self.runLookup(runID, dialect)
        let paramWrite = Self.paramStatements(runID: runID, params, dialect)
        let tagUpsert = Self.tagUpsert(runID: runID, tags, dialect)
        let rename = tags.last(where: { $0.key == Self.runNameTag }).map { tag in
            var statement = StatementBuilder(dialect, "UPDATE runs SET name = ")
            statement.bind(tag.value)
            statement.append(" WHERE run_uuid = ")
            statement.bind(runID)
            return statement.build()
        }
        let metricWrites = MetricWriter.statements(metrics, runID: runID, dialect)
        try await store.write { database in
            _ = try await Self.requireActiveRun(runID, lookup: lookup, in: database)
            if let paramWrite {
                try await database.run(paramWrite.insert)
                try await Self.checkParams(runID: runID, params, stored: database.rows(paramWrite.check, OwnedKeyValueRow.types))
            }
            if let tagUpsert { try await database.run(tagUpsert) }
            if let rename { try await database.run(rename) }
            for statement in metricWrites { try await database.run(statement) }
        }
    }

    /// Removes a tag from a run; an unknown key is RESOURCE_DOES_NOT_EXIST.
    public func deleteTag(runID: String, key: String) async throws {
        try await store.write { database in
            _ = try await Self.requireActiveRun(runID, in: database)
            let existing = try await database.select().column("key").from("tags")
                .where("run_uuid", .equal, SQLBind(runID)).where("key", .equal, SQLBind(key)).first()
            guard existing != nil else {
                throw KeelError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
            try await database.delete(from: "tags")
                .where("run_uuid", .equal, SQLBind(runID)).where("key", .equal, SQLBind(key)).run()
        }
    }

    // MARK: - Helpers

    static func validateBatch(metrics: [Metric], params: [KeyValue], tags: [KeyValue]) throws(KeelError) {
        if metrics.count > BatchLimits.metrics {
            throw .invalidParameter("A batch logging request can contain at most \(BatchLimits.metrics) metrics. Got \(metrics.count) metrics. Please split up metrics across multiple requests and try again.")
        }
        if params.count > BatchLimits.params {
            throw .invalidParameter("A batch logging request can contain at most \(BatchLimits.params) params. Got \(params.count) params. Please split up params across multiple requests and try again.")
        }
        if tags.count > BatchLimits.tags {
            throw .invalidParameter("A batch logging request can contain at most \(BatchLimits.tags) tags. Got \(tags.count) tags. Please split up tags across multiple requests and try again.")
        }
        let total = metrics.count + params.count + tags.count
        if total > BatchLimits.total {
            throw .invalidParameter("A batch logging request can contain at most \(BatchLimits.total) metrics, params, and tags in total. Got \(total) entities.")
        }
        for metric in metrics { try EntityKey.validate(metric.key, kind: "metric") }
        for param in params { try EntityKey.validate(param.key, kind: "param") }
        for tag in tags { try EntityKey.validate(tag.key, kind: "tag") }
    }

    /// Params with each key once; the same key twice with different values is refused.
    static func deduplicatedParams(_ params: [KeyValue]) throws(KeelError) -> [KeyValue] {
        var seen: [String: String] = [:]
        var unique: [KeyValue] = []
        for param in params {
            if let earlier = seen[param.key] {
                if earlier != param.value {
                    throw .invalidParameter("Duplicate parameter keys have been submitted: ['\(param.key)'] with different values. Please ensure each parameter key is unique.")
                }
                continue
            }
            seen[param.key] = param.value
            unique.append(param)
        }
        return unique
    }

    /// The statements that log params: insert the new ones (`ON CONFLICT DO NOTHING`), then read
    /// back what is stored under those keys for ``checkParams(runID:_:stored:)``.
    ///
    /// Insert first, then compare what is stored with what was asked: concurrent writers of the
    /// same key then agree (same value) or fail cleanly (different value) instead of racing a
    /// read against an insert.
    static func paramStatements(
        runID: String, _ params: [KeyValue], _ dialect: StoreDialect
    ) -> (insert: PreparedStatement, check: PreparedStatement)? {
        guard !params.isEmpty else { return nil }
        var insert = StatementBuilder(dialect, "INSERT INTO params (run_uuid, key, value) VALUES ")
        for (index, param) in params.enumerated() {
            if index > 0 { insert.append(", ") }
            insert.appendTuple([.text(runID), .text(param.key), .text(param.value)])
        }
        insert.append(" ON CONFLICT (run_uuid, key) DO NOTHING")
        var check = StatementBuilder(dialect, "SELECT run_uuid AS owner, key, value FROM params WHERE run_uuid = ")
        check.bind(runID)
        check.append(" AND key IN ")
        check.appendTuple(params.map { .text($0.key) })
        return (insert.build(), check.build())
    }

    /// Refuses the batch when a param it logs was already stored with another value: a param,
    /// once logged, never changes.
    static func checkParams(runID: String, _ params: [KeyValue], stored: [[StoreValue]]) throws {
        let storedValues = Dictionary(
            stored.map(OwnedKeyValueRow.init(values:)).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }
        )
        for param in params {
            if let old = storedValues[param.key], old != param.value {
                throw KeelError.invalidParameter(
                    "Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(old)' for run ID='\(runID)'. Attempted logging new value '\(param.value)'."
                )
            }
        }
    }

    /// The statement that sets tags on a run, replacing the values of keys it already has.
    static func tagUpsert(runID: String, _ tags: [KeyValue], _ dialect: StoreDialect) -> PreparedStatement? {
        guard !tags.isEmpty else { return nil }
        var statement = StatementBuilder(dialect, "INSERT INTO tags (run_uuid, key, value) VALUES ")
        for (index, tag) in tags.enumerated() {
            if index > 0 { statement.append(", ") }
            statement.appendTuple([.text(runID), .text(tag.key), .text(tag.value)])
        }
        statement.append(" ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value")
        return statement.build()
    }
}
