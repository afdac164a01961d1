/// Two samples counted per value, over the union of their values, in one order: what the
/// category tests (chi-square, Z, value-count shares) need, made once per column.
///
/// Built from codes (``Categories``) or sorted numbers without hashing a cell, so a column of
/// a million cells costs one pass; the array form remains for callers that hold plain values.
public struct PairedCounts: Sendable, Equatable {
    /// Reference count per value.
    public var reference: [Int]
    /// Current count per value, in the same order.
    public var current: [Int]
    /// Reference sample size (missing values included when the caller kept them).
    public var referenceTotal: Int
    /// Current sample size.
    public var currentTotal: Int
    /// Position of the smallest value (the Z-test's first key); nil when there are none.
    public var smallest: Int?

    /// Values over both sides.
    public var distinctValues: Int { reference.count }

    /// Counts of plain values; `order` fixes the order of the values (others are left out).
    public init<Value: Hashable & Comparable>(reference: [Value?], current: [Value?], order: [Value]? = nil) {
        let referenceCounts = counts(reference)
        let currentCounts = counts(current)
        let keys = order ?? Set(referenceCounts.keys).union(currentCounts.keys).sorted()
        self.reference = keys.map { referenceCounts[$0] ?? 0 }
        self.current = keys.map { currentCounts[$0] ?? 0 }
        referenceTotal = reference.count
        currentTotal = current.count
        smallest = keys.indices.min { keys[$0] < keys[$1] }
    }

    /// Counts of two text columns, missing cells left out of counts and totals.
    init(reference: Categories, current: Categories) {
        let referenceCounts = reference.valueCounts()
        let currentCounts = current.valueCounts()
        var position: [String: Int] = [:]
        var keys: [String] = []
        for value in reference.values + current.values where position[value] == nil {
            position[value] = keys.count
            keys.append(value)
        }
        var referenceByKey = [Int](repeating: 0, count: keys.count)
        var currentByKey = [Int](repeating: 0, count: keys.count)
        for (index, count) in referenceCounts.enumerated() { referenceByKey[position[reference.values[index]]!] += count }
        for (index, count) in currentCounts.enumerated() { currentByKey[position[current.values[index]]!] += count }
        // Values that never occur (all their cells were markers) are not categories.
        let present = keys.indices.filter { referenceByKey[$0] + currentByKey[$0] > 0 }.sorted { keys[$0] < keys[$1] }
        self.reference = present.map { referenceByKey[$0] }
        self.current = present.map { currentByKey[$0] }
        referenceTotal = self.reference.reduce(0, +)
        currentTotal = self.current.reduce(0, +)
        smallest = present.isEmpty ? nil : 0
    }

    /// Counts of two ascending samples, by walking both at once.
    init(sortedReference: [Double], sortedCurrent: [Double]) {
        var reference: [Int] = []
        var current: [Int] = []
        var left = 0
        var right = 0
        while left < sortedReference.count || right < sortedCurrent.count {
            let value = right == sortedCurrent.count || (left < sortedReference.count && sortedReference[left] <= sortedCurrent[right])
                ? sortedReference[left] : sortedCurrent[right]
            var inReference = 0
            while left < sortedReference.count, sortedReference[left] == value {
                inReference += 1
                left += 1
            }
            var inCurrent = 0
            while right < sortedCurrent.count, sortedCurrent[right] == value {
                inCurrent += 1
                right += 1
            }
            reference.append(inReference)
            current.append(inCurrent)
        }
        self.reference = reference
        self.current = current
        referenceTotal = sortedReference.count
        currentTotal = sortedCurrent.count
        smallest = reference.isEmpty ? nil : 0
    }
}

func counts<Value: Hashable>(_ values: [Value?]) -> [Value: Int] {
    var counts: [Value: Int] = [:]
    for case let value? in values { counts[value, default: 0] += 1 }
    return counts
}
