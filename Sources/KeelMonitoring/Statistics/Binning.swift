import Foundation

/// numpy's `histogram_bin_edges(values, bins="sturges")`.
///
/// Bin width is `ptp / (log2(n) + 1)` and the count `ceil(ptp / width)`, computed exactly
/// so (not `ceil(log2(n) + 1)`, which differs for some n); edges are `linspace(min, max)`.
public func sturgesBinEdges(_ values: [Double]) -> [Double] {
    precondition(!values.isEmpty, "binning needs at least one value")
    var first = values.min()!
    var last = values.max()!
    if first == last {
        first -= 0.5
        last += 0.5
    }
    let spread = values.max()! - values.min()!
    let width = spread / (log2(Double(values.count)) + 1)
    let binCount = width > 0 ? Int(((last - first) / width).rounded(.up)) : 1
    return linspace(first, last, count: binCount + 1)
}

/// `np.linspace(start, stop, count)` with its rounding: `i * step + start`, last = stop.
func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
    guard count > 1 else { return [start] }
    let step = (stop - start) / Double(count - 1)
    var edges = (0..<count).map { Double($0) * step + start }
    edges[count - 1] = stop
    return edges
}

/// `np.histogram(values, edges)[0]`: bins `[e_i, e_i+1)`, the last one closed; values outside
/// the edges are not counted.
public func histogramCounts(_ values: [Double], edges: [Double]) -> [Int] {
    var counts = [Int](repeating: 0, count: max(edges.count - 1, 0))
    guard let lowest = edges.first, let highest = edges.last, !counts.isEmpty else { return counts }
    for value in values where value >= lowest && value <= highest {
        if value == highest {
            counts[counts.count - 1] += 1
            continue
        }
        // The last edge <= value: a binary search for the upper bound.
        var low = 0
        var high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] <= value { low = middle + 1 } else { high = middle }
        }
        counts[low - 1] += 1
    }
    return counts
}

/// Two samples turned into matching shares per bin, as Evidently's `get_binned_data`.
public struct BinnedShares: Sendable, Equatable {
    /// Share of the reference in each bin or category.
    public var reference: [Double]
    /// Share of the current data in each bin or category, in the same order.
    public var current: [Double]

    /// Numerical data with more than 20 distinct reference values: Sturges bins on both samples.
    public static func numerical(reference: [Double], current: [Double]) -> BinnedShares {
        let edges = sturgesBinEdges(reference + current)
        return BinnedShares(
            reference: histogramCounts(reference, edges: edges).map { Double($0) / Double(reference.count) },
            current: histogramCounts(current, edges: edges).map { Double($0) / Double(current.count) }
        )
    }

    /// Value counts over the union of categories (missing values count in the totals only).
    public static func categorical<Value: Hashable & Comparable>(reference: [Value?], current: [Value?], order: [Value]? = nil) -> BinnedShares {
        categorical(PairedCounts(reference: reference, current: current, order: order))
    }

    /// Value counts already made, as shares of each side's total.
    public static func categorical(_ counts: PairedCounts) -> BinnedShares {
        BinnedShares(
            reference: counts.reference.map { Double($0) / Double(counts.referenceTotal) },
            current: counts.current.map { Double($0) / Double(counts.currentTotal) }
        )
    }

    /// Evidently's `feel_zeroes` for PSI: each side's zeros become its smallest non-zero share
    /// over a million when that is at most 1e-4, else 1e-4 (no renormalisation).
    public func withZeroesFilled() -> BinnedShares {
        func fill(_ shares: [Double]) -> [Double] {
            guard let smallest = shares.filter({ $0 != 0 }).min() else { return shares }
            let epsilon = smallest <= 0.0001 ? smallest / 1_000_000 : 0.0001
            return shares.map { $0 == 0 ? epsilon : $0 }
        }
        return BinnedShares(reference: fill(reference), current: fill(current))
    }
}
