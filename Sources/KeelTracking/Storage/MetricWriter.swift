import KeelCore
import KeelStore
import SQLKit

/// Writes metric observations: every one into the history, the newest per key into `latest_metrics`.
///
/// "Newest" is MLflow's order: highest step, then latest timestamp, then largest value. Keeping
/// the latest values in their own table makes run listing and search by metric an index
/// lookup instead of a scan over whole histories.
enum MetricWriter {
    /// The statements that store `metrics`: the history rows, then the newest value per key.
    static func statements(_ metrics: [Metric], runID: String, _ dialect: StoreDialect) -> [PreparedStatement] {
        guard !metrics.isEmpty else { return [] }
        // Nine binds a row; 1,000 rows stay well under every database's parameter limit.
        let history = metrics.slices(of: 1000).map { chunk -> PreparedStatement in
            var statement = StatementBuilder(dialect, """
                INSERT INTO metrics (run_uuid, key, value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest) VALUES
                """)
            statement.reserveCapacity(binds: chunk.count * 9, characters: chunk.count * 30)
            for (index, metric) in chunk.enumerated() {
                let (value, isNaN) = storable(metric.value)
                statement.append(index == 0 ? " " : ", ")
                statement.appendTuple([
                    .text(runID), .text(metric.key), .double(value), .int64(metric.timestamp), .int64(metric.step), .int64(isNaN),
                    .text(metric.modelID), .text(metric.datasetName), .text(metric.datasetDigest),
                ])
            }
            return statement.build()
        }
        let latest = newestPerKey(metrics).slices(of: 1000).map { chunk -> PreparedStatement in
            var statement = StatementBuilder(dialect, "INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES")
            for (index, metric) in chunk.enumerated() {
                let (value, isNaN) = storable(metric.value)
                statement.append(index == 0 ? " " : ", ")
                statement.appendTuple([.text(runID), .text(metric.key), .double(value), .int64(metric.timestamp), .int64(metric.step), .int64(isNaN)])
            }
            statement.append("""
                 ON CONFLICT (run_uuid, key) DO UPDATE SET
                    value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
                WHERE excluded.step > latest_metrics.step
                   OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)
                   OR (excluded.step = latest_metrics.step AND excluded.timestamp = latest_metrics.timestamp
                       AND excluded.is_nan = 0
                       AND (latest_metrics.is_nan = 1 OR excluded.value > latest_metrics.value))
                """)
            return statement.build()
        }
        return history + latest
    }

    /// NaN cannot be stored portably (SQLite turns it into NULL), so it travels as a flag.
    static func storable(_ value: Double) -> (value: Double?, isNaN: Int64) {
        value.isNaN ? (nil, 1) : (value, 0)
    }

    /// The newest observation of each key, in MLflow's (step, timestamp, value) order, keys in
    /// order of first appearance.
    static func newestPerKey(_ metrics: [Metric]) -> [Metric] {
        var newest: [Metric] = []
        // A batch rarely has more than a few keys: comparing against each is cheaper than hashing
        // every observation's key. Past that, a dictionary finds the key's position.
        var positions: [String: Int]?
        for metric in metrics {
            let position: Int?
            if let index = positions {
                position = index[metric.key]
            } else {
                position = newest.firstIndex { $0.key == metric.key }
            }
            guard let position else {
                positions?[metric.key] = newest.count
                newest.append(metric)
                if positions == nil, newest.count > linearSearchLimit {
                    positions = Dictionary(uniqueKeysWithValues: newest.enumerated().map { ($1.key, $0) })
                }
                continue
            }
            if isNewer(metric, than: newest[position]) { newest[position] = metric }
        }
        return newest
    }

    /// Distinct keys up to which ``newestPerKey(_:)`` searches its list rather than hashing.
    static let linearSearchLimit = 8

    static func isNewer(_ candidate: Metric, than current: Metric) -> Bool {
        if candidate.step != current.step { return candidate.step > current.step }
        if candidate.timestamp != current.timestamp { return candidate.timestamp > current.timestamp }
        if candidate.value.isNaN { return false }
        return current.value.isNaN || candidate.value > current.value
    }
}
