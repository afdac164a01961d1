import Foundation
import KeelMonitoring
import KeelStore
import SQLKit

/// Aggregates a subject's traces per version and time bucket, in SQL: counts, errors, latency
/// and feedback sums come back one row per (version, bucket), never one row per trace.
struct FeedbackStore: Sendable {
    let store: any MetadataStore

    /// The trace metadata key MLflow's client records token counts under.
    static let tokenUsageKey = "mlflow.trace.tokenUsage"

    /// Statistics per (version, bucket) for traces in `[start, end)`; `bucket` of nil gives one
    /// bucket starting at `start`.
    func statistics(_ subject: GenAISubject, versions: [Int64]?, start: Int64, end: Int64, bucket: Int64?) async throws -> [ArmBucket] {
        let width = bucket ?? Int64.max
        let arm: SQLQueryString = "WITH arm AS (" + subject.traces(versions: versions, start: start, end: end) + ") "
        return try await store.read { database in
            var buckets: [BucketKey: ArmStatistics] = [:]
            let traceRows = try await database.raw(arm + """
                SELECT version, request_time / \(bind: width) AS bucket, COUNT(*) AS traces,
                    CAST(SUM(CASE WHEN state = 'ERROR' THEN 1 ELSE 0 END) AS BIGINT) AS errors,
                    COUNT(execution_duration) AS timed,
                    CAST(SUM(execution_duration) AS DOUBLE PRECISION) AS latency_sum,
                    SUM(CAST(execution_duration AS DOUBLE PRECISION) * CAST(execution_duration AS DOUBLE PRECISION)) AS latency_squares
                FROM arm GROUP BY 1, 2
                """).all()
            for row in traceRows {
                let key = try BucketKey(row)
                var statistics = buckets[key] ?? ArmStatistics(version: key.version)
                statistics.traces += try row.decode(column: "traces", as: Int64.self)
                statistics.errors += try row.decode(column: "errors", as: Int64?.self) ?? 0
                statistics.latencyMilliseconds.merge(Moments(
                    count: try row.decode(column: "timed", as: Int64.self),
                    sum: try row.decode(column: "latency_sum", as: Double?.self) ?? 0,
                    sumOfSquares: try row.decode(column: "latency_squares", as: Double?.self) ?? 0
                ))
                buckets[key] = statistics
            }
            let feedbackRows = try await database.raw(arm + """
                SELECT arm.version, arm.request_time / \(bind: width) AS bucket, a.name, a.value_type, COUNT(*) AS n,
                    SUM(a.score) AS total, SUM(a.score * a.score) AS squares
                FROM arm JOIN trace_assessments a ON a.trace_id = arm.trace_id
                WHERE a.kind = 'feedback' AND a.valid = 1 AND a.score IS NOT NULL
                GROUP BY 1, 2, 3, 4
                """).all()
            for row in feedbackRows {
                let key = try BucketKey(row)
                let kind = FeedbackStatistics.Kind(rawValue: try row.decode(column: "value_type", as: String.self)) ?? .number
                let name = try row.decode(column: "name", as: String.self)
                let moments = Moments(
                    count: try row.decode(column: "n", as: Int64.self),
                    sum: try row.decode(column: "total", as: Double?.self) ?? 0,
                    sumOfSquares: try row.decode(column: "squares", as: Double?.self) ?? 0
                )
                var statistics = buckets[key] ?? ArmStatistics(version: key.version)
                // A name given both booleans and numbers is compared as numbers.
                let merged = statistics.feedback[name].map { $0.kind == kind ? kind : .number } ?? kind
                statistics.feedback[name, default: FeedbackStatistics(kind: merged)].values.merge(moments)
                statistics.feedback[name]?.kind = merged
                buckets[key] = statistics
            }
            let tokenRows = try await database.raw(arm + """
                SELECT arm.version, arm.request_time / \(bind: width) AS bucket, m.value
                FROM arm JOIN trace_metadata m ON m.trace_id = arm.trace_id AND m.key = \(bind: Self.tokenUsageKey)
                """).all()
            for row in tokenRows {
                guard let tokens = Self.totalTokens(try row.decode(column: "value", as: String.self)) else { continue }
                let key = try BucketKey(row)
                buckets[key, default: ArmStatistics(version: key.version)].totalTokens.add(tokens)
            }
            return buckets.map { key, statistics in
                ArmBucket(start: bucket == nil ? start : key.bucket * width, statistics: statistics)
            }
            .sorted { ($0.start, $0.statistics.version) < ($1.start, $1.statistics.version) }
        }
    }

    /// How many traces used each version, when first and last, and in which experiments.
    func usage(_ subject: GenAISubject, version: Int64) async throws -> TraceUsage {
        let arm: SQLQueryString = "WITH arm AS (" + subject.traces(versions: [version], start: Int64.min, end: Int64.max) + ") "
        return try await store.read { database in
            let totals = try await database.raw(arm + """
                SELECT COUNT(*) AS traces, MIN(request_time) AS first_time, MAX(request_time) AS last_time FROM arm
                """).first()
            let experiments = try await database.raw(arm + "SELECT DISTINCT experiment_id FROM arm ORDER BY experiment_id").all()
            return TraceUsage(
                traces: try totals?.decode(column: "traces", as: Int64.self) ?? 0,
                firstTimestamp: try totals?.decode(column: "first_time", as: Int64?.self),
                lastTimestamp: try totals?.decode(column: "last_time", as: Int64?.self),
                experimentIDs: try experiments.map { try $0.decode(column: "experiment_id", as: Int64.self) }
            )
        }
    }

    /// `total_tokens` of a `mlflow.trace.tokenUsage` value, or input plus output tokens.
    static func totalTokens(_ text: String) -> Double? {
        guard let usage = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return nil }
        if let total = usage["total_tokens"] as? NSNumber { return total.doubleValue }
        let parts = ["input_tokens", "output_tokens"].compactMap { (usage[$0] as? NSNumber)?.doubleValue }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }
}

/// Where a version's traces are: how many, the first and last, and their experiments.
public struct TraceUsage: Sendable, Hashable {
    /// Traces that used the version.
    public var traces: Int64
    /// The first one's request time, epoch milliseconds.
    public var firstTimestamp: Int64?
    /// The last one's request time, epoch milliseconds.
    public var lastTimestamp: Int64?
    /// The experiments those traces are in.
    public var experimentIDs: [Int64]
}

/// A (version, bucket) pair as the aggregation queries return it.
private struct BucketKey: Hashable {
    var version: Int64
    var bucket: Int64

    init(_ row: any SQLRow) throws {
        version = try row.decode(column: "version", as: Int64.self)
        bucket = try row.decode(column: "bucket", as: Int64.self)
    }
}
