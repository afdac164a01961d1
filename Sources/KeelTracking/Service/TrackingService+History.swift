import KeelCore
import KeelStore
import SQLKit

extension TrackingService {
    /// Every observation of one metric of one run, by step then timestamp.
    ///
    /// An unknown run answers an empty history, as MLflow's server does (the client relies on it).
    /// - Returns: the page of observations and the token for the next page, if any.
    public func metricHistory(
        runID: String, key: String, maxResults: Int?, pageToken: String?
    ) async throws -> (metrics: [Metric], nextPageToken: String?) {
        let start = try PageToken(decoding: pageToken).offset
        if let maxResults, maxResults < 1 {
            throw KeelError.invalidParameter("max_results must be a positive integer, got \(maxResults).")
        }
        return try await store.read { database in
            let blocks = try await MetricHistoryReader.blocks(runIDs: [runID], keys: [key], in: database)
            var query: SQLQueryString = """
                SELECT run_uuid, key, value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest
                FROM metrics WHERE run_uuid = \(bind: runID) AND key = \(bind: key)
                ORDER BY step, timestamp
                """
            // Without blocks the database pages the rows; with them, the page is cut from the merge.
            if blocks.isEmpty, let maxResults {
                query += " LIMIT \(bind: maxResults + 1) OFFSET \(bind: start)"
            } else if blocks.isEmpty, start > 0 {
                query += " LIMIT \(bind: Int64.max) OFFSET \(bind: start)"
            }
            let rows = try await database.rows(query, MetricRow.types).map(MetricRow.init(values:))
            var metrics = rows.map(\.metric)
            if !blocks.isEmpty {
                metrics = MetricHistoryReader.merged(rows: rows, blocks: blocks).map(\.metric)
                metrics = Array(metrics.dropFirst(start))
            }
            var next: String?
            if let maxResults, metrics.count > maxResults {
                metrics.removeLast(metrics.count - maxResults)
                next = PageToken(offset: start + maxResults).encoded
            }
            return (metrics, next)
        }
    }
}

extension TrackingService {
    /// The histories of several runs' metrics in one query, for a run page or a comparison:
    /// by run ID, then metric key, each in step order.
    ///
    /// At most `limit` observations are read in all; `truncated` says whether more exist, so a
    /// page can draw what it has and say that it is partial instead of loading millions of rows.
    public func metricHistories(
        runIDs: [String], keys: [String]? = nil, limit: Int
    ) async throws -> (histories: [String: [String: [Metric]]], truncated: Bool) {
        guard !runIDs.isEmpty, limit > 0 else { return ([:], false) }
        if let keys, keys.isEmpty { return ([:], false) }
        return try await store.read { database in
            var query: SQLQueryString = """
                SELECT run_uuid, key, value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest
                FROM metrics WHERE run_uuid IN (\(binds: runIDs))
                """
            if let keys { query += " AND key IN (\(binds: keys))" }
            query += " ORDER BY run_uuid, key, step, timestamp LIMIT \(bind: limit + 1)"
            let rows = try await database.rows(query, MetricRow.types).map(MetricRow.init(values:))
            let blocks = try await MetricHistoryReader.blocks(runIDs: runIDs, keys: keys, upTo: limit, in: database)
            let merged = MetricHistoryReader.merged(rows: rows, blocks: blocks)
            var histories: [String: [String: [Metric]]] = [:]
            for row in merged.prefix(limit) {
                histories[row.runID, default: [:]][row.key, default: []].append(row.metric)
            }
            return (histories, merged.count > limit)
        }
    }
}
