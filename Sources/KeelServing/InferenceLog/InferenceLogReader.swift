import KeelCore
public import KeelStore
import SQLKit

/// Reads the inference log, newest first, in pages.
public struct InferenceLogReader: Sendable {
    let store: any MetadataStore

    /// Creates a reader over `store`.
    public init(store: any MetadataStore) {
        self.store = store
    }

    /// A page of records and the token for the next one.
    public struct Page: Sendable {
        /// The records, newest first.
        public var records: [InferenceRecord]
        /// Pass back as `pageToken` for older records; nil on the last page.
        public var nextPageToken: String?
    }

    /// Records of `deployment` (all deployments when nil), newest first.
    public func records(deployment: String?, maxResults: Int, pageToken: String?) async throws -> Page {
        guard (1...10_000).contains(maxResults) else {
            throw KeelError.invalidParameter("max_results must be between 1 and 10000, got \(maxResults).")
        }
        let offset: Int
        if let pageToken {
            guard let parsed = Int(pageToken), parsed >= 0 else { throw KeelError.invalidParameter("Invalid page_token '\(pageToken)'.") }
            offset = parsed
        } else {
            offset = 0
        }
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
            let query = database.select().columns(InferenceLogWriter.columns.map { SQLColumn($0) }).from("inference_log")
            if let deployment { query.where("deployment", .equal, deployment) }
            return try await query.orderBy("timestamp_ms", .descending).orderBy("request_id").orderBy("role")
                .limit(maxResults + 1).offset(offset)
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let records = rows.prefix(maxResults).map {
            InferenceRecord(
                requestID: $0.requestId, role: $0.role, deployment: $0.deployment, modelVersion: $0.modelVersion,
                protocolName: $0.protocol, status: Int($0.status), latencyMicroseconds: $0.latencyUs,
                timestampMilliseconds: $0.timestampMs, requestBody: $0.requestBody, responseBody: $0.responseBody
            )
        }
        return Page(records: Array(records), nextPageToken: rows.count > maxResults ? String(offset + maxResults) : nil)
    }
}
