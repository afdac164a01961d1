import Foundation

/// A summary of reference data, computed once when the reference is stored: enough to show
/// what the model was trained on without reading the data again.
public struct ReferenceProfile: Sendable, Codable, Equatable {
    /// One column's summary.
    public struct Column: Sendable, Codable, Equatable {
        /// The header.
        public var name: String
        /// `num` or `cat`.
        public var kind: ColumnKind
        /// Rows, missing ones included.
        public var count: Int
        /// Missing values (empty, `NA`, …; for numbers also ±inf and NaN).
        public var missing: Int
        /// Numbers: smallest present value.
        public var min: Double?
        /// Numbers: largest present value.
        public var max: Double?
        /// Numbers: mean of present values.
        public var mean: Double?
        /// Numbers: sample standard deviation (pandas' `std`, ddof 1).
        public var std: Double?
        /// Numbers: quantiles by level (`"0.05"` … `"0.95"`), numpy's linear interpolation.
        public var quantiles: [String: Double]?
        /// Numbers: a 10-bin histogram over [min, max] (numpy's `histogram`).
        public var histogram: Histogram?
        /// Categories: the most frequent values, most frequent first (ties by value).
        public var top: [Frequency]?
    }

    /// Equal-width bins: `edges.count == counts.count + 1`.
    public struct Histogram: Sendable, Codable, Equatable {
        /// Bin edges.
        public var edges: [Double]
        /// Values per bin; the last bin includes its right edge.
        public var counts: [Int]
    }

    /// A category and how often it occurs.
    public struct Frequency: Sendable, Codable, Equatable {
        /// The category.
        public var value: String
        /// Occurrences.
        public var count: Int
    }

    /// Rows in the reference.
    public var rows: Int
    /// Per column, in file order.
    public var columns: [Column]

    /// Quantile levels every numeric column reports.
    static let quantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95]
    /// Categories listed per categorical column.
    static let topCategories = 20

    /// Profiles `table`.
    public init(_ table: DataTable) {
        rows = table.rowCount
        columns = table.columns.map(Self.profile)
    }

    static func profile(_ column: DataTable.Column) -> Column {
        switch column.sample {
        case .numerical(let values):
            let present = values.filter(\.isFinite).sorted()
            var summary = Column(name: column.name, kind: .numerical, count: values.count, missing: values.count - present.count)
            guard let low = present.first, let high = present.last else { return summary }
            let mean = pairwiseSum(present) / Double(present.count)
            summary.min = low
            summary.max = high
            summary.mean = mean
            if present.count > 1 {
                summary.std = (pairwiseSum(present.map { ($0 - mean) * ($0 - mean) }) / Double(present.count - 1)).squareRoot()
            }
            summary.quantiles = Dictionary(uniqueKeysWithValues: quantileLevels.map { (String($0), quantile(sorted: present, $0)) })
            summary.histogram = histogram(sorted: present, bins: 10)
            return summary
        case .categorical(let values):
            var counts: [String: Int] = [:]
            for case let value? in values { counts[value, default: 0] += 1 }
            let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(topCategories)
            var summary = Column(name: column.name, kind: .categorical, count: values.count, missing: values.count - counts.values.reduce(0, +))
            summary.top = top.map { Frequency(value: $0.key, count: $0.value) }
            return summary
        }
    }

    /// numpy's default (`linear`) quantile of sorted values.
    static func quantile(sorted values: [Double], _ level: Double) -> Double {
        let position = level * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }

    /// numpy's `histogram(values, bins)`: equal-width bins over [min, max], the last closed.
    static func histogram(sorted values: [Double], bins: Int) -> Histogram {
        var low = values[0], high = values[values.count - 1]
        if low == high {
            low -= 0.5
            high += 0.5
        }
        let width = (high - low) / Double(bins)
        let edges = (0...bins).map { low + Double($0) * width }
        var counts = [Int](repeating: 0, count: bins)
        for value in values {
            var bin = Int((value - low) / width)
            bin = Swift.min(Swift.max(bin, 0), bins - 1)
            // Floating-point edges: move to the bin whose edges actually contain the value.
            if bin > 0 && value < edges[bin] { bin -= 1 }
            if bin < bins - 1 && value >= edges[bin + 1] { bin += 1 }
            counts[bin] += 1
        }
        return Histogram(edges: edges, counts: counts)
    }
}
