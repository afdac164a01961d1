import Foundation
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
    ///
    /// The page token names the last record returned (time, request id, role), so pages stay
    /// put while new requests are logged in front of them.
    public func records(deployment: String?, maxResults: Int, pageToken: String?) async throws -> Page {
        guard (1...10_000).contains(maxResults) else {
            throw KeelError.invalidParameter("max_results must be between 1 and 10000, got \(maxResults).")
        }
        let after = try pageToken.map(LogPosition.init(token:))
        let rows = try await store.read { database in
            let query = database.select().columns(InferenceLogRow.columns.map { SQLColumn($0) }).from("inference_log")
            if let deployment { query.where("deployment", .equal, deployment) }
            if let after {
                query.where { group in
                    group.where("timestamp_ms", .lessThan, after.timestamp)
                        .orWhere { $0.where("timestamp_ms", .equal, after.timestamp).where("request_id", .greaterThan, after.requestID) }
                        .orWhere {
                            $0.where("timestamp_ms", .equal, after.timestamp).where("request_id", .equal, after.requestID)
                                .where("role", .greaterThan, after.role)
                        }
                }
            }
            return try await query.orderBy("timestamp_ms", .descending).orderBy("request_id").orderBy("role")
                .limit(maxResults + 1)
                .all(decoding: InferenceLogRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let records = rows.prefix(maxResults).map(\.record)
        let next = rows.count > maxResults ? records.last.map { LogPosition(record: $0).token } : nil
        return Page(records: Array(records), nextPageToken: next)
    }
}

/// Where a page of the inference log ended, as an opaque token.
struct LogPosition {
    var timestamp: Int64
    var requestID: String
    var role: String

    init(record: InferenceRecord) {
        timestamp = record.timestampMilliseconds
        requestID = record.requestID
        role = record.role
    }

    /// Parses a token made by ``token``; anything else is INVALID_PARAMETER_VALUE.
    init(token: String) throws {
        let parts = Self.unhex(token)?.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard let parts, parts.count == 3, let timestamp = Int64(parts[0]) else {
            throw KeelError.invalidParameter("Invalid page_token '\(token)'.")
        }
        self.timestamp = timestamp
        requestID = String(parts[1])
        role = String(parts[2])
    }

    /// Hex of `time␟request␟role`: opaque to clients, safe in a query string.
    var token: String {
        "\(timestamp)\u{1F}\(requestID)\u{1F}\(role)".utf8.map { String(format: "%02x", $0) }.joined()
    }

    private static func unhex(_ text: String) -> String? {
        guard text.count.isMultiple(of: 2), !text.isEmpty else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// One `inference_log` row as stored, for every reader of the log (this one, monitoring's windows).
public struct InferenceLogRow: Decodable, Sendable {
    /// The columns to select, in the writer's order (decode with `.convertFromSnakeCase`).
    public static var columns: [String] { InferenceLogWriter.columns }

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
    let caller: String?

    /// The row as a record.
    public var record: InferenceRecord {
        InferenceRecord(
            requestID: requestId, role: role, deployment: deployment, modelVersion: modelVersion, protocolName: self.protocol,
            status: Int(status), latencyMicroseconds: latencyUs, timestampMilliseconds: timestampMs, requestBody: requestBody,
            responseBody: responseBody, caller: caller
        )
    }
}
