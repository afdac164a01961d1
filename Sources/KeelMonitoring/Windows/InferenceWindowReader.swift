import Foundation
public import KeelCore
public import KeelServing
public import KeelStore
import SQLKit

/// The records of one deployment inside an ``InferenceWindow``, oldest first.
public struct WindowRecords: Sendable {
    /// The records read.
    public var records: [InferenceRecord]
    /// The time range actually covered (first and last record), or the asked range when empty.
    public var start: Int64?
    /// See ``start``.
    public var end: Int64?
    /// True when the window held more than ``InferenceWindow/maxRequests`` and only the newest were read.
    public var truncated: Bool
}

/// Reads windows of the inference log for monitoring.
///
/// Caller-facing answers only (every role but `shadow`) unless the window names a version,
/// so a shadow's predictions never mix into what callers were told.
public struct InferenceWindowReader: Sendable {
    let store: any MetadataStore

    /// Creates a reader over `store`.
    public init(store: any MetadataStore) {
        self.store = store
    }

    /// The records of `deployment` in `window` at time `now` (epoch ms).
    public func records(deployment: String, window: InferenceWindow, now: Int64 = Timestamp.nowMillis()) async throws -> WindowRecords {
        let (start, end) = window.timeRange(now: now)
        let limit: Int
        if case .lastRequests(let count) = window.bound { limit = count } else { limit = InferenceWindow.maxRequests }
        let rows = try await store.read { database in
            let query = database.select().columns(InferenceLogRow.columns.map { SQLColumn($0) }).from("inference_log")
                .where("deployment", .equal, deployment)
            if let version = window.version {
                query.where("model_version", .equal, version)
            } else {
                query.where("role", .notEqual, "shadow")
            }
            if let start { query.where("timestamp_ms", .greaterThanOrEqual, start) }
            if let end { query.where("timestamp_ms", .lessThanOrEqual, end) }
            return try await query.orderBy("timestamp_ms", .descending).orderBy("request_id", .descending)
                .limit(limit + 1)
                .all(decoding: InferenceLogRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let records = rows.prefix(limit).reversed().map(\.record)
        let truncated: Bool
        if case .lastRequests = window.bound { truncated = false } else { truncated = rows.count > limit }
        return WindowRecords(
            records: records, start: records.first?.timestampMilliseconds ?? start, end: records.last?.timestampMilliseconds ?? end,
            truncated: truncated
        )
    }

    /// The caller-facing records with these request ids (any deployment), keyed by request id.
    public func records(requestIDs: [String]) async throws -> [String: InferenceRecord] {
        var found: [String: InferenceRecord] = [:]
        for chunk in requestIDs.chunked(into: 500) {
            let rows = try await store.read { database in
                try await database.select().columns(InferenceLogRow.columns.map { SQLColumn($0) }).from("inference_log")
                    .where("request_id", .in, chunk)
                    .where("role", .notEqual, "shadow")
                    .all(decoding: InferenceLogRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            for record in rows.map(\.record) { found[record.requestID] = record }
        }
        return found
    }
}
