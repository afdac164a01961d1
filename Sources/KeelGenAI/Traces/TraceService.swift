import Foundation
import KeelCore
public import KeelStore
import KeelTracking

/// GenAI traces: spans arriving over OTLP, trace infos from MLflow's client (in either order),
/// and reading, searching, tagging and deleting them.
public struct TraceService: Sendable {
    let store: TraceStore
    private let knownExperiments = KnownExperiments()

    /// A body of more spans than this is refused: split the export.
    public static let maxSpansPerRequest = 50_000
    /// The most traces one search page returns.
    public static let maxSearchResults = 1000

    public init(store: any MetadataStore) {
        self.store = TraceStore(store: store)
    }

    /// Stores OTLP spans for `experimentID` (the `x-mlflow-experiment-id` header).
    public func ingest(_ spans: [OTLPSpan], experimentID text: String) async throws -> Int {
        let experimentID = try await existingExperiment(text)
        guard spans.count <= Self.maxSpansPerRequest else {
            // 400, not 429: OTLP exporters retry a 429, and the same batch would fail again.
            throw KeelError.invalidParameter("The export holds \(spans.count) spans; send at most \(Self.maxSpansPerRequest) per request.")
        }
        guard !spans.isEmpty else { return 0 }
        try await store.insert(spans, experimentID: experimentID)
        return spans.count
    }

    /// Stores the info MLflow's client sends when a trace ends (StartTraceV3), and returns it as
    /// stored, with the tags that tell the client its spans are read back through this API.
    public func start(_ info: TraceInfo) async throws -> TraceInfo {
        guard TraceInfo.isValidID(info.traceID) else {
            throw KeelError.invalidParameter("trace_id must be 'tr-' and 32 lowercase hex digits, got '\(info.traceID)'.")
        }
        _ = try await existingExperiment(String(info.experimentID))
        var info = info
        info.tags[TraceInfo.spansLocationTag] = "TRACKING_STORE"
        info.tags[TraceInfo.artifactLocationTag] = "mlflow-artifacts:/\(info.experimentID)/traces/\(info.traceID)/artifacts"
        info.metadata[TraceInfo.finalizedMetadata] = "true"
        // Read back outside the write: the one writer is what every ingest request queues for.
        try await store.upsert(info, name: info.tags[TraceInfo.traceNameTag])
        return try await self.info(info.traceID)
    }

    public func info(_ traceID: String) async throws -> TraceInfo {
        guard let info = try await store.infos([traceID]).first else { throw KeelError.notFound("Trace with ID '\(traceID)' not found.") }
        return info
    }

    /// Infos of several traces as TraceInfoV3 JSON texts, in the order asked; unknown ids are left out.
    public func renderedInfos(_ traceIDs: [String]) async throws -> [(traceID: String, json: String)] {
        try await store.renderedInfos(traceIDs)
    }

    /// A trace's spans in pages of at most `pageSize`, by start time, for answers that stream a
    /// large trace instead of holding it whole. `after` is the previous page's cursor.
    public func spans(_ traceID: String, after: SpanCursor?, pageSize: Int) async throws -> (spans: [String], next: SpanCursor?) {
        try await store.spans(traceID, after: after, limit: pageSize)
    }

    /// The experiment a trace belongs to, for permission checks: one indexed lookup.
    public func experimentID(of traceID: String) async throws -> Int64 {
        guard let id = try await store.experimentID(of: traceID) else { throw KeelError.notFound("Trace with ID '\(traceID)' not found.") }
        return id
    }

    /// One page of traces in the experiments, filtered and ordered as MLflow's `search_traces`,
    /// as TraceInfoV3 JSON texts.
    public func search(
        experimentIDs: [String], filter: String?, orderBy: [String], maxResults: Int?, pageToken: String?
    ) async throws -> (traces: [String], nextPageToken: String?) {
        let ids = try experimentIDs.map { text throws -> Int64 in try TrackingService.experimentID(text) }
        guard !ids.isEmpty else { throw KeelError.invalidParameter("Name at least one experiment in locations.") }
        let limit = maxResults ?? 100
        guard (1...Self.maxSearchResults).contains(limit) else {
            throw KeelError.invalidParameter("max_results must be between 1 and \(Self.maxSearchResults), got \(limit).")
        }
        let offset = try PageToken(decoding: pageToken).offset
        let order = try orderBy.map(Self.orderColumn)
        let page = try await store.search(experimentIDs: ids, filter: try TraceFilter(parsing: filter), order: order, limit: limit, offset: offset)
        return (page.infos, page.more ? PageToken(offset: offset + limit).encoded : nil)
    }

    public func setTag(_ traceID: String, key: String, value: String) async throws {
        guard !key.isEmpty, key.count <= 250 else { throw KeelError.invalidParameter("A trace tag key must be 1 to 250 characters.") }
        try await store.setTag(traceID, key: key, value: value)
    }

    public func deleteTag(_ traceID: String, key: String) async throws {
        guard key != TraceInfo.spansLocationTag else { throw KeelError.invalidParameter("The tag '\(key)' cannot be deleted.") }
        try await store.setTag(traceID, key: key, value: nil)
    }

    /// Deletes an experiment's traces by id, or up to `maxTraces` of the oldest at or before a time.
    public func delete(experimentID text: String, traceIDs: [String]?, maxTimestamp: Int64?, maxTraces: Int?) async throws -> Int {
        let experimentID = try TrackingService.experimentID(text)
        guard (traceIDs == nil) != (maxTimestamp == nil) else {
            throw KeelError.invalidParameter("Give either request_ids or max_timestamp_millis, not both and not neither.")
        }
        if let maxTraces, maxTraces < 1 { throw KeelError.invalidParameter("max_traces must be positive.") }
        return try await store.delete(experimentID: experimentID, ids: traceIDs, before: maxTimestamp, limit: maxTraces)
    }

    private func existingExperiment(_ text: String) async throws -> Int64 {
        let id = try TrackingService.experimentID(text)
        // Every export and trace info checks this: one indexed lookup the first time, then the
        // answer is remembered (an experiment's row is never removed).
        if knownExperiments.contains(id) { return id }
        guard try await store.experimentExists(id) else { throw KeelError.notFound("No Experiment with id=\(text) exists") }
        knownExperiments.remember(id)
        return id
    }

    static func orderColumn(_ text: String) throws -> (column: String, ascending: Bool) {
        let parts = text.split(separator: " ").map(String.init)
        guard let first = parts.first, parts.count <= 2 else { throw KeelError.invalidParameter("Invalid order_by clause '\(text)'.") }
        let key = first.split(separator: ".").last.map(String.init) ?? first
        let columns = [
            "timestamp": "request_time", "timestamp_ms": "request_time", "execution_time": "execution_duration",
            "execution_time_ms": "execution_duration", "status": "state", "request_id": "trace_id", "trace_id": "trace_id", "name": "name",
        ]
        guard let column = columns[key] else {
            throw KeelError.invalidParameter("Invalid order_by key '\(key)'; use timestamp_ms, execution_time_ms, status, name or request_id.")
        }
        let direction = parts.count == 2 ? parts[1].uppercased() : "ASC"
        guard direction == "ASC" || direction == "DESC" else { throw KeelError.invalidParameter("Invalid order_by direction '\(parts[1])'.") }
        return (column, direction == "ASC")
    }
}
