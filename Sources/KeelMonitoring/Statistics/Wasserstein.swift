import Foundation

/// The first Wasserstein (earth mover's) distance between two samples, as scipy computes it.
///
/// scipy's `_cdf_distance(1, u, v)`: the area between the two empirical CDFs, integrated
/// over the sorted union of the samples.
public func wassersteinDistance(_ u: [Double], _ v: [Double]) -> Double {
    precondition(!u.isEmpty && !v.isEmpty, "Wasserstein distance needs two non-empty samples")
    return wassersteinDistance(sortedU: u.sorted(), sortedV: v.sorted())
}

/// ``wassersteinDistance(_:_:)`` of two already sorted samples: one merge instead of a third sort.
func wassersteinDistance(sortedU: [Double], sortedV: [Double]) -> Double {
    var total = 0.0
    var indexU = 0
    var indexV = 0
    let countU = Double(sortedU.count), countV = Double(sortedV.count)
    // Walk the sorted union; between consecutive values both CDFs are constant.
    var value = min(sortedU[0], sortedV[0])
    while indexU < sortedU.count || indexV < sortedV.count {
        // searchsorted(side="right"): how many sample values are <= value.
        while indexU < sortedU.count, sortedU[indexU] <= value { indexU += 1 }
        while indexV < sortedV.count, sortedV[indexV] <= value { indexV += 1 }
        let next: Double
        switch (indexU < sortedU.count, indexV < sortedV.count) {
        case (true, true): next = min(sortedU[indexU], sortedV[indexV])
        case (true, false): next = sortedU[indexU]
        case (false, true): next = sortedV[indexV]
        case (false, false): return total
        }
        total += abs(Double(indexU) / countU - Double(indexV) / countV) * (next - value)
        value = next
    }
    return total
}

/// Evidently's normed Wasserstein: the distance over the reference's population standard
/// deviation, floored at 0.001 so a constant reference does not divide by zero.
public func normedWassersteinDistance(reference: [Double], current: [Double]) -> Double {
    wassersteinDistance(reference, current) / max(populationStandardDeviation(reference), 0.001)
}

/// ``normedWassersteinDistance(reference:current:)`` with both samples already sorted.
func normedWassersteinDistance(reference: [Double], sortedReference: [Double], sortedCurrent: [Double]) -> Double {
    wassersteinDistance(sortedU: sortedReference, sortedV: sortedCurrent) / max(populationStandardDeviation(reference), 0.001)
}

/// Standard deviation with `ddof = 0`, as `np.std`.
public func populationStandardDeviation(_ values: [Double]) -> Double {
    let mean = pairwiseSum(values) / Double(values.count)
    return (pairwiseSum(values.map { (mean - $0) * (mean - $0) }) / Double(values.count)).squareRoot()
}

/// numpy's pairwise summation (blocks of 8 partial sums below 128 elements, halves above),
/// so sums round the way numpy's do.
public func pairwiseSum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { pairwiseSum($0) }
}

private func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
    let count = values.count
    if count < 8 {
        var sum = -0.0
        for value in values { sum += value }
        return sum
    }
    if count <= 128 {
        var partial = (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7])
        var index = 8
        while index < count - count % 8 {
            partial.0 += values[index]
            partial.1 += values[index + 1]
            partial.2 += values[index + 2]
            partial.3 += values[index + 3]
            partial.4 += values[index + 4]
            partial.5 += values[index + 5]
            partial.6 += values[index + 6]
            partial.7 += values[index + 7]
            index += 8
        }
        var sum = ((partial.0 + partial.1) + (partial.2 + partial.3)) + ((partial.4 + partial.5) + (partial.6 + partial.7))
        while index < count {
            sum += values[index]
            index += 1
        }
        return sum
    }
    var half = count / 2
    half -= half % 8
    return pairwiseSum(UnsafeBufferPointer(rebasing: values[0..<half]))
        + pairwiseSum(UnsafeBufferPointer(rebasing: values[half..<count]))
}
