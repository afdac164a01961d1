import KeelCore
import KeelStore
import SQLKit

/// Reads metric histories from both of their tables: rows in `metrics`, packed blocks in
/// `metric_blocks` (see ``MetricWriter``), merged into one order.
enum MetricHistoryReader {
    /// One stored block, decoded.
    struct Block {
        var runID: String
        var key: String
        var points: [MetricBlock.Point]
    }

    /// One observation of the merged history, and where it sorts.
    struct Observation {
        var runID: String
        var key: String
        var metric: Metric
        /// Its position among the observations read, so equal steps and timestamps keep the order logged.
        var sequence: Int
    }

    /// The blocks of `runIDs` (and of `keys`, when given).
    ///
    /// With `limit`, whole (run, key) histories are read in run and key order only until the
    /// block points before one exceed `limit`: a page that shows `limit` points never decodes
    /// millions. The counts are read first, then only the blocks of the histories kept.
    static func blocks(runIDs: [String], keys: [String]?, upTo limit: Int? = nil,
                       in database: any SQLDatabase) async throws -> [Block] {
        var wanted: Set<[String]>?
        if let limit {
            // PostgreSQL sums BIGINTs as NUMERIC: cast back, so both databases answer an integer.
            var counts: SQLQueryString = """
                SELECT run_uuid, key, CAST(SUM(points) AS BIGINT) FROM metric_blocks WHERE run_uuid IN (\(binds: runIDs))
                """
            if let keys { counts += " AND key IN (\(binds: keys))" }
            counts += " GROUP BY run_uuid, key ORDER BY run_uuid, key"
            var before: Int64 = 0
            var kept = Set<[String]>()
            for row in try await database.rows(counts, [.text, .text, .int64]) where before <= Int64(limit) {
                kept.insert([row[0].text ?? "", row[1].text ?? ""])
                before += row[2].int64 ?? 0
            }
            if kept.isEmpty { return [] }
            wanted = kept
        }
        var query: SQLQueryString = "SELECT run_uuid, key, data FROM metric_blocks WHERE run_uuid IN (\(binds: runIDs))"
        if let keys { query += " AND key IN (\(binds: keys))" }
        var blocks: [Block] = []
        for row in try await database.rows(query, [.text, .text, .bytes]) {
            let runID = row[0].text ?? "", key = row[1].text ?? ""
            if let wanted, !wanted.contains([runID, key]) { continue }
            blocks.append(Block(runID: runID, key: key, points: try MetricBlock.decode(row[2].bytes ?? [])))
        }
        return blocks
    }

    /// Rows and blocks as one history: by run, key, step and timestamp.
    static func merged(rows: [MetricRow], blocks: [Block]) -> [Observation] {
        var observations: [Observation] = []
        observations.reserveCapacity(rows.count + blocks.reduce(0) { $0 + $1.points.count })
        for row in rows {
            observations.append(Observation(runID: row.runUuid, key: row.key, metric: row.metric, sequence: observations.count))
        }
        for block in blocks {
            for point in block.points {
                let metric = Metric(key: block.key, value: point.value, timestamp: point.timestamp, step: point.step)
                observations.append(Observation(runID: block.runID, key: block.key, metric: metric, sequence: observations.count))
            }
        }
        observations.sort { a, b in
            if a.runID != b.runID { return a.runID < b.runID }
            if a.key != b.key { return a.key < b.key }
            if a.metric.step != b.metric.step { return a.metric.step < b.metric.step }
            if a.metric.timestamp != b.metric.timestamp { return a.metric.timestamp < b.metric.timestamp }
            return a.sequence < b.sequence
        }
        return observations
    }
}
