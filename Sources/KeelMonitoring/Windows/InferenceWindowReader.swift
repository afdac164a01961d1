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
        struct Row: Decodable {
            let requestId: String
            let role: String
            let modelVersion: String
            let `protocol`: String
            let status: Int64
            let latencyUs: Int64
            let timestampMs: Int64
            let requestBody: String?
            let responseBody: String?
        }
        let rows = try await store.read { database in
            let query = database.select()
                .columns("request_id", "role", "model_version", "protocol", "status", "latency_us", "timestamp_ms", "request_body", "response_body")
                .from("inference_log")
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
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let records = rows.prefix(limit).reversed().map {
            InferenceRecord(
                requestID: $0.requestId, role: $0.role, deployment: deployment, modelVersion: $0.modelVersion,
                protocolName: $0.protocol, status: Int($0.status), latencyMicroseconds: $0.latencyUs,
                timestampMilliseconds: $0.timestampMs, requestBody: $0.requestBody, responseBody: $0.responseBody
            )
        }
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
            struct Row: Decodable {
                let requestId: String
                let role: String
                let deployment: String
                let modelVersion: String
                let `protocol`: String
                let status: Int64
                let latencyUs: Int64
                let timestampMs: Int64
                let requestBody: String?
                let responseBody: String?
            }
            let rows = try await store.read { database in
                try await database.select()
                    .columns("request_id", "role", "deployment", "model_version", "protocol", "status", "latency_us", "timestamp_ms",
                             "request_body", "response_body")
                    .from("inference_log")
                    .where("request_id", .in, chunk)
                    .where("role", .notEqual, "shadow")
                    .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            for row in rows {
                found[row.requestId] = InferenceRecord(
                    requestID: row.requestId, role: row.role, deployment: row.deployment, modelVersion: row.modelVersion,
                    protocolName: row.protocol, status: Int(row.status), latencyMicroseconds: row.latencyUs,
                    timestampMilliseconds: row.timestampMs, requestBody: row.requestBody, responseBody: row.responseBody
                )
            }
        }
        return found
    }
}
