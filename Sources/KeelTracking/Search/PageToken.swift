public import KeelCore
import Foundation

/// An opaque continuation token: base64 of `{"offset": N}`, the same shape MLflow hands out,
/// so tokens from either server look alike to clients. Undecodable tokens are refused.
///
/// A run search may add where its page ended (``RunSeek``): the next page then resumes from
/// that row through an index instead of skipping `offset` rows, so page 900 costs what page 1
/// does. `offset` stays in every token, so a token without the seek (MLflow's, or one a
/// client built) still pages correctly.
public struct PageToken: Sendable, Hashable {
    /// How many results precede the next page.
    public var offset: Int
    /// Where the previous page of a run search ended, when its order can resume from there.
    public var seek: RunSeek?

    /// A token for the page starting at `offset`.
    public init(offset: Int, seek: RunSeek? = nil) {
        self.offset = offset
        self.seek = seek
    }

    private struct Payload: Codable {
        let offset: Int
        let seek: RunSeek?
    }

    /// Decodes a token from a request; nil or empty means the first page.
    public init(decoding token: String?) throws(KeelError) {
        guard let token, !token.isEmpty else {
            self.init(offset: 0)
            return
        }
        guard token.utf8.count <= 4096,
              let data = Data(base64Encoded: token),
              let payload = try? JSONDecoder().decode(Payload.self, from: data),
              payload.offset >= 0,
              payload.seek?.isValid ?? true
        else {
            throw .invalidParameter("Invalid page token, could not base64-decode: '\(token.prefix(100))'.")
        }
        self.init(offset: payload.offset, seek: payload.seek)
    }

    /// The token's wire form.
    public var encoded: String {
        guard let seek, let json = try? JSONEncoder().encode(seek), let text = String(data: json, encoding: .utf8) else {
            return Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
        }
        return Data("{\"offset\": \(offset), \"seek\": \(text)}".utf8).base64EncodedString()
    }
}

/// The sort key of the last run on a page: enough to find the first run of the next one.
public struct RunSeek: Sendable, Hashable, Codable {
    /// The value of the leading metric of a metric-ordered search; nil once the page reached
    /// the runs without that metric (or when the order has no metric).
    public var metric: Double?
    /// The run's start time, epoch milliseconds (never NULL in Keel's store).
    public var startTime: Int64
    /// The run's id, the last tie-breaker.
    public var runID: String

    /// Creates a seek position.
    public init(metric: Double?, startTime: Int64, runID: String) {
        self.metric = metric
        self.startTime = startTime
        self.runID = runID
    }

    private enum CodingKeys: String, CodingKey {
        case metric = "m", startTime = "t", runID = "r"
    }

    /// Run ids are 32 hex characters; a metric must be a finite number to compare against.
    var isValid: Bool {
        runID.utf8.count <= 64 && (metric?.isFinite ?? true)
    }
}

extension PageToken {
    /// Cuts a page fetched with one look-ahead row (`limit + 1`) back to `limit` rows, and
    /// returns the token for the next page when the look-ahead row showed there is one.
    public static func trim<Row>(_ rows: inout [Row], limit: Int, offset: Int) -> String? {
        guard rows.count > limit else { return nil }
        rows.removeLast(rows.count - limit)
        return PageToken(offset: offset + limit).encoded
    }
}
