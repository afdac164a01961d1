import KeelCore
import KeelStore
import SQLKit

/// Writes metric observations: every one into the history, the newest per key into `latest_metrics`.
///
/// The history is two tables. A key logged at least ``minimumBlockPoints`` times in one request
/// (a `log-batch` of a training loop's steps) becomes one ``MetricBlock`` row in
/// `metric_blocks`; everything else, and every observation of a logged model or a dataset,
/// is a row in `metrics`. "Newest" is MLflow's order: highest step, then latest timestamp,
/// then largest value. Keeping the latest values in their own table makes run listing and
/// search by metric an index lookup instead of a scan over whole histories.
enum MetricWriter {
    /// Observations of one key in one request from which on they are stored as a block.
    static let minimumBlockPoints = 2

    /// The statements that store `metrics`: the history rows and blocks, then the newest value per key.
    static func statements(_ metrics: [Metric], runID: String, _ dialect: StoreDialect) -> [PreparedStatement] {
        guard !metrics.isEmpty else { return [] }
        let (rows, blocks) = partition(metrics)
        // Nine binds a row; 1,000 rows stay well under every database's parameter limit.
        let history = rows.slices(of: 1000).map { chunk -> PreparedStatement in
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
        let packed = blocks.slices(of: 1000).map { chunk -> PreparedStatement in
            var statement = StatementBuilder(dialect, "INSERT INTO metric_blocks (run_uuid, key, points, data) VALUES")
            for (index, block) in chunk.enumerated() {
                statement.append(index == 0 ? " " : ", ")
                statement.appendTuple([.text(runID), .text(block[0].key), .int64(Int64(block.count)), .bytes(MetricBlock.encode(block))])
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
        return history + packed + latest
    }

    /// Splits `metrics` into history rows and blocks (each block one key's observations, in the
    /// order logged). Only observations with no logged model and no dataset are packed.
    static func partition(_ metrics: [Metric]) -> (rows: [Metric], blocks: [[Metric]]) {
        var rows: [Metric] = []
        var groups: [[Metric]] = []
        var positions = KeyPositions()
        for metric in metrics {
            guard metric.modelID == nil, metric.datasetName == nil, metric.datasetDigest == nil else {
                rows.append(metric)
                continue
            }
            if let position = positions.position(of: metric.key) {
                groups[position].append(metric)
            } else {
                positions.add(metric.key)
                groups.append([metric])
            }
        }
        var blocks: [[Metric]] = []
        for group in groups {
            if group.count >= minimumBlockPoints { blocks.append(group) } else { rows.append(contentsOf: group) }
        }
        return (rows, blocks)
    }

    /// NaN cannot be stored portably (SQLite turns it into NULL), so it travels as a flag.
    static func storable(_ value: Double) -> (value: Double?, isNaN: Int64) {
        value.isNaN ? (nil, 1) : (value, 0)
    }

    /// The newest observation of each key, in MLflow's (step, timestamp, value) order, keys in
    /// order of first appearance.
    static func newestPerKey(_ metrics: [Metric]) -> [Metric] {
        var newest: [Metric] = []
        var positions = KeyPositions()
        for metric in metrics {
            guard let position = positions.position(of: metric.key) else {
                positions.add(metric.key)
                newest.append(metric)
                continue
            }
            if isNewer(metric, than: newest[position]) { newest[position] = metric }
        }
        return newest
    }

    static func isNewer(_ candidate: Metric, than current: Metric) -> Bool {
        if candidate.step != current.step { return candidate.step > current.step }
        if candidate.timestamp != current.timestamp { return candidate.timestamp > current.timestamp }
        if candidate.value.isNaN { return false }
        return current.value.isNaN || candidate.value > current.value
    }
}

/// The positions of distinct keys, in order of first appearance.
///
/// A batch rarely has more than a few keys: comparing against each is cheaper than hashing
/// every observation's key. Past ``linearSearchLimit`` keys, a dictionary finds the position.
struct KeyPositions {
    /// Distinct keys up to which the list is searched rather than hashed.
    static let linearSearchLimit = 8

    private var keys: [String] = []
    private var dictionary: [String: Int]?

    /// Where `key` was added, or nil if it never was.
    func position(of key: String) -> Int? {
        if let dictionary { return dictionary[key] }
        return keys.firstIndex(of: key)
    }

    /// Adds `key`, which must not be present, at the next position.
    mutating func add(_ key: String) {
        if let count = dictionary?.count {
            dictionary?[key] = count
            return
        }
        keys.append(key)
        if keys.count > Self.linearSearchLimit {
            dictionary = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
            keys = []
        }
    }
}
