import Foundation
import KeelCore
import KeelStore
import KeelTracking
import SQLKit

/// The `traces`, `trace_tags`, `trace_metadata` and `trace_spans` tables.
struct TraceStore: Sendable {
    let store: any MetadataStore

    private struct KeyValueRow {
        let traceId: String
        let key: String
        let value: String
    }

    static let columns = [
        "trace_id", "experiment_id", "request_time", "execution_duration", "state", "client_request_id", "request_preview", "response_preview",
    ]

    /// Creates or updates a trace's info, merging its tags and metadata into what is stored.
    ///
    /// Spans and the info of one trace arrive at the same moment from MLflow's client, on two
    /// connections: rows are created with `ON CONFLICT DO NOTHING` and then updated, so neither
    /// request fails on the other's row.
    func upsert(_ info: TraceInfo, name: String?) async throws {
        // Built before taking the writer: SQLite has one, and it should only run statements.
        let dialect = store.dialect
        // One statement creates or updates the row and marks its rendered info stale.
        var row = StatementBuilder(dialect, """
            INSERT INTO traces (trace_id, experiment_id, request_time, execution_duration, state, client_request_id,
                request_preview, response_preview, name) VALUES
            """)
        row.append(" ")
        row.appendTuple([
            .text(info.traceID), .int64(info.experimentID), .int64(info.requestTime), .int64(info.executionDuration),
            .text(info.state), .text(info.clientRequestID), .text(info.requestPreview), .text(info.responsePreview), .text(name),
        ])
        row.append("""
             ON CONFLICT (trace_id) DO UPDATE SET experiment_id = excluded.experiment_id, request_time = excluded.request_time,
                execution_duration = excluded.execution_duration, state = excluded.state,
                client_request_id = excluded.client_request_id, request_preview = excluded.request_preview,
                response_preview = excluded.response_preview, name = COALESCE(excluded.name, traces.name),
                info_json = NULL, info_generation = traces.info_generation + 1
            """)
        let tags = Self.putStatement(info.tags, table: "trace_tags", trace: info.traceID, dialect)
        let metadata = Self.putStatement(info.metadata, table: "trace_metadata", trace: info.traceID, dialect)
        let statement = row.build()
        try await store.write { database in
            try await database.run(statement)
            if let tags { try await database.run(tags) }
            if let metadata { try await database.run(metadata) }
            try await Self.linkPrompts(info.tags, trace: info.traceID, in: database)
        }
    }

    /// Sets key-value rows of a trace in one statement; a `mlflow.linkedPrompts` tag also links
    /// its prompt versions.
    static func put(_ values: [String: String], table: String, trace: String, in database: any SQLDatabase) async throws {
        guard let statement = putStatement(values, table: table, trace: trace, StoreDialect(of: database)) else { return }
        try await database.run(statement)
        if table == "trace_tags" {
            try await linkPrompts(values, trace: trace, in: database)
        }
    }

    /// The statement that sets key-value rows of a trace in `table` (one of Keel's own), or nil
    /// when there are none.
    static func putStatement(_ values: [String: String], table: String, trace: String, _ dialect: StoreDialect) -> PreparedStatement? {
        guard !values.isEmpty else { return nil }
        var statement = StatementBuilder(dialect, "INSERT INTO \(table) (trace_id, key, value) VALUES ")
        for (index, pair) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { statement.append(", ") }
            statement.appendTuple([.text(trace), .text(pair.key), .text(pair.value)])
        }
        statement.append(" ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value")
        return statement.build()
    }

    /// Links the prompt versions a `mlflow.linkedPrompts` tag names, if the tags hold one.
    private static func linkPrompts(_ tags: [String: String], trace: String, in database: any SQLDatabase) async throws {
        if let linked = tags[PromptLinks.tag] {
            try await PromptLinks.insert(PromptLinks.parse(linked), trace: trace, in: database)
        }
    }

    /// Stores spans; a trace they name that does not exist yet is created from its root span.
    func insert(_ spans: [OTLPSpan], experimentID: Int64) async throws {
        // Everything but the statements themselves is done before taking the writer: SQLite
        // has one, and the time spent holding it bounds how many exports a second it takes.
        let dialect = store.dialect
        let prepared = Dictionary(grouping: spans, by: \.mlflowTraceID).sorted { $0.key < $1.key }.map { traceID, spans in
            PreparedTrace(traceID: traceID, spans: spans, experimentID: experimentID, dialect: dialect)
        }
        try await store.write { database in
            for trace in prepared {
                let stored = try await database.rows(trace.row, [.int64]).first?.first?.int64
                guard stored == experimentID else {
                    throw KeelError.invalidParameter("Trace '\(trace.traceID)' belongs to another experiment.")
                }
                if let tags = trace.tags {
                    try await database.run(tags)
                    try await Self.linkPrompts(trace.tagValues, trace: trace.traceID, in: database)
                }
                for statement in trace.spanStatements { try await database.run(statement) }
            }
        }
    }

    /// The experiment of a trace, or nil for an unknown trace.
    func experimentID(of traceID: String) async throws -> Int64? {
        try await store.read { database in
            try await database.select().column("experiment_id").from("traces").where("trace_id", .equal, traceID).first()?
                .decode(column: "experiment_id", as: Int64.self)
        }
    }

    /// Whether an experiment (active or deleted) exists.
    func experimentExists(_ id: Int64) async throws -> Bool {
        try await store.read { database in
            try await database.select().column("experiment_id").from("experiments").where("experiment_id", .equal, id).first() != nil
        }
    }

    /// Marks traces' rendered infos stale. Every change to a trace's row, tags, metadata or
    /// assessments calls this inside its own transaction.
    static func invalidate(_ ids: [String], in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE traces SET info_json = NULL, info_generation = info_generation + 1 WHERE trace_id IN \(SQLBind.group(ids))
            """).run()
    }

    /// The infos of these traces as TraceInfoV3 JSON, in the order asked (missing ones left out).
    /// Stale ones are rendered from the tables and stored back for the next reader.
    func renderedInfos(_ ids: [String]) async throws -> [(traceID: String, json: String)] {
        guard !ids.isEmpty else { return [] }
        let (texts, rendered) = try await store.read { database in try await Self.rendered(ids, in: database) }
        if !rendered.isEmpty { try? await remember(rendered) }
        return texts
    }

    private struct Rendering: Sendable {
        let traceID: String
        let generation: Int64
        let text: String
    }

    private static func rendered(
        _ ids: [String], in database: any SQLDatabase
    ) async throws -> (texts: [(traceID: String, json: String)], rendered: [Rendering]) {
        let rows = try await database.select().columns("trace_id", "info_json", "info_generation").from("traces").where("trace_id", .in, ids).all()
        return try await complete(ids, rows: rows, in: database)
    }

    /// The infos of `ids` from rows holding `trace_id, info_json, info_generation`, rendering
    /// the stale ones. The generation was read before the tables are: a change after that read
    /// bumps it, and the rendering is then not stored.
    private static func complete(
        _ ids: [String], rows: [any SQLRow], in database: any SQLDatabase
    ) async throws -> (texts: [(traceID: String, json: String)], rendered: [Rendering]) {
        var cached: [String: String] = [:]
        var stale: [String: Int64] = [:]
        for row in rows {
            let id = try row.decode(column: "trace_id", as: String.self)
            if let text = try row.decode(column: "info_json", as: String?.self) {
                cached[id] = text
            } else {
                stale[id] = try row.decode(column: "info_generation", as: Int64.self)
            }
        }
        var rendered: [Rendering] = []
        for info in try await infos(Array(stale.keys), in: database) {
            let text = info.jsonText
            cached[info.traceID] = text
            rendered.append(Rendering(traceID: info.traceID, generation: stale[info.traceID] ?? 0, text: text))
        }
        return (ids.compactMap { id in cached[id].map { (id, $0) } }, rendered)
    }

    private func remember(_ rendered: [Rendering]) async throws {
        try await store.write { database in
            for item in rendered {
                try await database.raw("""
                    UPDATE traces SET info_json = \(bind: item.text)
                    WHERE trace_id = \(bind: item.traceID) AND info_generation = \(bind: item.generation) AND info_json IS NULL
                    """).run()
            }
        }
    }

    /// The infos of these traces, in the order asked (missing ones left out).
    func infos(_ ids: [String]) async throws -> [TraceInfo] {
        guard !ids.isEmpty else { return [] }
        return try await store.read { database in try await Self.infos(ids, in: database) }
    }

    static func infos(_ ids: [String], in database: any SQLDatabase) async throws -> [TraceInfo] {
        guard !ids.isEmpty else { return [] }
        // Decoded column by column: the generic row decoder's key conversion cost more than the queries.
        let rows = try await database.select().columns(columns.map { SQLColumn($0) }).from("traces")
            .where("trace_id", .in, ids).all().map { row in
                TraceInfo(
                    traceID: try row.decode(column: "trace_id", as: String.self),
                    experimentID: try row.decode(column: "experiment_id", as: Int64.self),
                    requestTime: try row.decode(column: "request_time", as: Int64.self),
                    executionDuration: try row.decode(column: "execution_duration", as: Int64?.self),
                    state: try row.decode(column: "state", as: String.self),
                    clientRequestID: try row.decode(column: "client_request_id", as: String?.self),
                    requestPreview: try row.decode(column: "request_preview", as: String?.self),
                    responsePreview: try row.decode(column: "response_preview", as: String?.self)
                )
            }
        // Tags and metadata in one statement: each statement is a round trip to SQLite's thread.
        let keyValues = try await database.raw("""
            SELECT 0 AS source, trace_id, key, value FROM trace_tags WHERE trace_id IN \(SQLBind.group(ids))
            UNION ALL
            SELECT 1 AS source, trace_id, key, value FROM trace_metadata WHERE trace_id IN \(SQLBind.group(ids))
            """).all().map { row in
                (isTag: try row.decode(column: "source", as: Int.self) == 0, KeyValueRow(
                    traceId: try row.decode(column: "trace_id", as: String.self), key: try row.decode(column: "key", as: String.self),
                    value: try row.decode(column: "value", as: String.self)
                ))
            }
        var byID: [String: TraceInfo] = [:]
        for info in rows { byID[info.traceID] = info }
        for (isTag, entry) in keyValues where isTag { byID[entry.traceId]?.tags[entry.key] = entry.value }
        let assessments = try await database.select().columns("trace_id", "content").from("trace_assessments").where("trace_id", .in, ids)
            .orderBy("created_at").orderBy("assessment_id").all()
        for row in assessments {
            byID[try row.decode(column: "trace_id", as: String.self)]?.assessments.append(try row.decode(column: "content", as: String.self))
        }
        for (isTag, entry) in keyValues where !isTag { byID[entry.traceId]?.metadata[entry.key] = entry.value }
        return ids.compactMap { byID[$0] }
    }

    /// One page of a trace's spans after `cursor`, by (start time, span id), and the cursor of
    /// the next page when there may be one.
    func spans(_ traceID: String, after cursor: SpanCursor?, limit: Int) async throws -> (spans: [String], next: SpanCursor?) {
        try await store.read { database in
            var sql: SQLQueryString = "SELECT content, start_ns, span_id FROM trace_spans WHERE trace_id = \(bind: traceID)"
            if let cursor {
                sql = sql + " AND (start_ns > \(bind: cursor.startNanos) OR (start_ns = \(bind: cursor.startNanos) AND span_id > \(bind: cursor.spanID)))"
            }
            let rows = try await database.raw(sql + " ORDER BY start_ns, span_id LIMIT \(bind: limit)").all()
            let spans = try rows.map { try $0.decode(column: "content", as: String.self) }
            guard rows.count == limit, let last = rows.last else { return (spans, nil) }
            return (spans, SpanCursor(startNanos: try last.decode(column: "start_ns", as: Int64.self), spanID: try last.decode(column: "span_id", as: String.self)))
        }
    }

    func setTag(_ traceID: String, key: String, value: String?) async throws {
        try await store.write { database in
            guard try await database.select().column("trace_id").from("traces").where("trace_id", .equal, traceID).first() != nil else {
                throw KeelError.notFound("Trace with ID '\(traceID)' not found.")
            }
            try await database.delete(from: "trace_tags").where("trace_id", .equal, traceID).where("key", .equal, key).run()
            try await Self.invalidate([traceID], in: database)
            if let value {
                try await database.insert(into: "trace_tags").columns("trace_id", "key", "value").values(SQLBind(traceID), SQLBind(key), SQLBind(value)).run()
                if key == PromptLinks.tag { try await PromptLinks.insert(PromptLinks.parse(value), trace: traceID, in: database) }
            }
        }
    }

    /// Deletes traces of an experiment, by id or the oldest before a time; returns how many.
    func delete(experimentID: Int64, ids: [String]?, before: Int64?, limit: Int?) async throws -> Int {
        try await store.write { database in
            let query = database.select().column("trace_id").from("traces").where("experiment_id", .equal, experimentID)
            if let ids { query.where("trace_id", .in, ids) }
            if let before { query.where("request_time", .lessThanOrEqual, before) }
            query.orderBy("request_time")
            if let limit { query.limit(limit) }
            let doomed = try await query.all().map { try $0.decode(column: "trace_id", as: String.self) }
            guard !doomed.isEmpty else { return 0 }
            for table in ["trace_spans", "trace_tags", "trace_metadata", "trace_assessments", "trace_prompt_links", "traces"] {
                try await database.delete(from: table).where("trace_id", .in, doomed).run()
            }
            return doomed.count
        }
    }

    /// One page of traces matching a search as TraceInfoV3 JSON, and whether more follow. The
    /// rendered infos come with the page's rows: one query answers a page whose infos are fresh.
    func search(
        experimentIDs: [Int64], filter: TraceFilter, order: [(column: String, ascending: Bool)], limit: Int, offset: Int
    ) async throws -> (infos: [String], more: Bool) {
        let (page, rendered, more) = try await store.read { database in
            var sql: SQLQueryString = """
                SELECT t.trace_id, t.info_json, t.info_generation FROM traces t WHERE t.experiment_id IN \(SQLBind.group(experimentIDs))
                """
            for clause in filter.clauses { sql = sql + " AND " + (try Self.condition(clause)) }
            let orderText = (order + [("request_time", false), ("trace_id", true)]).map { "t.\($0.column) \($0.ascending ? "ASC" : "DESC")" }
            sql = sql + " ORDER BY \(unsafeRaw: orderText.joined(separator: ", ")) LIMIT \(bind: limit + 1) OFFSET \(bind: offset)"
            let rows = Array(try await database.raw(sql).all())
            let page = Array(rows.prefix(limit))
            let ids = try page.map { try $0.decode(column: "trace_id", as: String.self) }
            let (texts, rendered) = try await Self.complete(ids, rows: page, in: database)
            return (texts.map(\.json), rendered, rows.count > limit)
        }
        if !rendered.isEmpty { try? await remember(rendered) }
        return (page, more)
    }

    /// MLflow's `prompt = "name/version"`: traces linked to that prompt version.
    private static func promptCondition(_ clause: TraceFilter.Clause) throws -> SQLQueryString {
        guard clause.comparator == .equal, case .string(let text) = clause.value else {
            throw KeelError.invalidParameter("Invalid prompts filter: only '=' is supported, as prompt = \"name/version\".")
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let version = Int64(parts[1]) else {
            throw KeelError.invalidParameter("Invalid prompts filter value '\(text)'. Expected format: prompt = \"name/version\".")
        }
        return """
            EXISTS (SELECT 1 FROM trace_prompt_links l WHERE l.trace_id = t.trace_id
                AND l.prompt_name = \(bind: String(parts[0])) AND l.prompt_version = \(bind: version))
            """
    }

    private static func condition(_ clause: TraceFilter.Clause) throws -> SQLQueryString {
        switch clause.field {
        case .attribute("timestamp_ms"): return try SearchSQL.comparison("t.request_time", clause.comparator, clause.value)
        case .attribute("execution_time_ms"): return try SearchSQL.comparison("t.execution_duration", clause.comparator, clause.value)
        case .attribute("status"): return try SearchSQL.comparison("t.state", clause.comparator, clause.value)
        case .attribute("name"): return try SearchSQL.comparison("t.name", clause.comparator, clause.value)
        case .attribute("trace_id"): return try SearchSQL.comparison("t.trace_id", clause.comparator, clause.value)
        case .attribute("client_request_id"): return try SearchSQL.comparison("t.client_request_id", clause.comparator, clause.value)
        case .attribute("run_id"):
            let metadata = SearchClause(entity: .tag, key: "mlflow.sourceRun", comparator: clause.comparator, value: clause.value)
            return try SearchSQL.keyValueCondition(table: "trace_metadata", ownerColumn: "trace_id", owner: "t.trace_id", clause: metadata)
        case .attribute("prompt"), .tag(PromptLinks.tag): return try promptCondition(clause)
        case .attribute(let other): throw KeelError.invalidParameter("Cannot filter traces on '\(other)'.")
        case .tag(let key):
            return try SearchSQL.keyValueCondition(
                table: "trace_tags", ownerColumn: "trace_id", owner: "t.trace_id",
                clause: SearchClause(entity: .tag, key: key, comparator: clause.comparator, value: clause.value)
            )
        case .metadata(let key):
            return try SearchSQL.keyValueCondition(
                table: "trace_metadata", ownerColumn: "trace_id", owner: "t.trace_id",
                clause: SearchClause(entity: .tag, key: key, comparator: clause.comparator, value: clause.value)
            )
        }
    }
}
