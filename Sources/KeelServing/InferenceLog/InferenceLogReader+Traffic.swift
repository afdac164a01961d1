import KeelCore
import KeelStore
import SQLKit

/// Requests, errors and latency of one model version over one time bucket.
public struct TrafficBucket: Sendable, Hashable {
    /// The bucket's start, epoch milliseconds.
    public var start: Int64
    /// The model version that answered (`shadow` copies included, by their version).
    public var modelVersion: String
    /// Whether these were shadow copies (answered to no one).
    public var isShadow: Bool
    /// Requests answered.
    public var requests: Int64
    /// Requests answered with a status of 400 or more.
    public var errors: Int64
    /// Mean latency, milliseconds.
    public var meanLatencyMilliseconds: Double
    /// Slowest request, milliseconds.
    public var maxLatencyMilliseconds: Double
}

extension InferenceLogReader {
    /// The most buckets one question may ask for.
    public static let maxTrafficBuckets = 2_000

    /// A deployment's traffic since `since`, in buckets of `bucketMilliseconds`, per model
    /// version: counted in the database (one grouped query), so a day of requests costs the same
    /// as a minute.
    public func traffic(deployment: String, since: Int64, bucketMilliseconds: Int64) async throws -> [TrafficBucket] {
        guard bucketMilliseconds >= 1000 else {
            throw KeelError.invalidParameter("A traffic bucket is at least one second, not \(bucketMilliseconds) ms.")
        }
        let span = max(0, Timestamp.nowMillis() - since)
        guard span / bucketMilliseconds <= Int64(Self.maxTrafficBuckets) else {
            throw KeelError.invalidParameter("That asks for more than \(Self.maxTrafficBuckets) buckets; use wider buckets.")
        }
        struct Row: Decodable {
            let bucket: Int64
            let modelVersion: String
            let role: String
            let requests: Int64
            let errors: Int64
            let meanLatency: Double
            let maxLatency: Int64
        }
        let rows = try await store.read { database in
            try await database.raw("""
                SELECT timestamp_ms / \(bind: bucketMilliseconds) AS bucket, model_version,
                       CASE WHEN role = 'shadow' THEN 'shadow' ELSE 'live' END AS role,
                       COUNT(*) AS requests, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
                       AVG(CAST(latency_us AS DOUBLE PRECISION)) AS mean_latency, MAX(latency_us) AS max_latency
                FROM inference_log
                WHERE deployment = \(bind: deployment) AND timestamp_ms >= \(bind: since)
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return rows.map { row in
            TrafficBucket(
                start: row.bucket * bucketMilliseconds, modelVersion: row.modelVersion, isShadow: row.role == "shadow",
                requests: row.requests, errors: row.errors,
                meanLatencyMilliseconds: row.meanLatency / 1000, maxLatencyMilliseconds: Double(row.maxLatency) / 1000
            )
        }
    }
}
