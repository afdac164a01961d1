/// Reference and current distributions of one column, for charts.
public struct DriftHistogram: Sendable {
    /// One bar pair: a bin or category, with each side's share.
    public struct Bar: Sendable {
        /// The bin range (`[a, b)`) or the category.
        public var label: String
        /// Share of the reference in it.
        public var reference: Double
        /// Share of the current data in it.
        public var current: Double

        /// Creates a bar.
        public init(label: String, reference: Double, current: Double) {
            self.label = label
            self.reference = reference
            self.current = current
        }
    }

    /// The bars, in bin order (numbers) or by reference share (categories).
    public var bars: [Bar]

    /// At most this many categories are drawn; the rest are summed as "other".
    public static let maxCategories = 20

    /// Sturges bins over both samples for numbers; value counts for categories.
    public init(reference: ColumnSample, current: ColumnSample) {
        switch (reference, current) {
        case (.numerical(let referenceValues), .numerical(let currentValues)):
            let cleanReference = referenceValues.filter(\.isFinite)
            let cleanCurrent = currentValues.filter(\.isFinite)
            guard !cleanReference.isEmpty, !cleanCurrent.isEmpty else {
                bars = []
                return
            }
            let edges = sturgesBinEdges(cleanReference + cleanCurrent)
            let referenceCounts = histogramCounts(cleanReference, edges: edges)
            let currentCounts = histogramCounts(cleanCurrent, edges: edges)
            bars = (0..<(edges.count - 1)).map { index in
                Bar(
                    label: "\(Self.format(edges[index]))–\(Self.format(edges[index + 1]))",
                    reference: Double(referenceCounts[index]) / Double(cleanReference.count),
                    current: Double(currentCounts[index]) / Double(cleanCurrent.count)
                )
            }
        default:
            let referenceCategories = Self.categories(reference)
            let currentCategories = Self.categories(current)
            let referenceCounts = counts(referenceCategories)
            let currentCounts = counts(currentCategories)
            let keys = Set(referenceCounts.keys).union(currentCounts.keys).sorted {
                (referenceCounts[$0] ?? 0, currentCounts[$0] ?? 0, $1) > (referenceCounts[$1] ?? 0, currentCounts[$1] ?? 0, $0)
            }
            let referenceTotal = Double(max(referenceCategories.count, 1))
            let currentTotal = Double(max(currentCategories.count, 1))
            var bars = keys.prefix(Self.maxCategories).map {
                Bar(label: $0, reference: Double(referenceCounts[$0] ?? 0) / referenceTotal, current: Double(currentCounts[$0] ?? 0) / currentTotal)
            }
            if keys.count > Self.maxCategories {
                let rest = keys.dropFirst(Self.maxCategories)
                bars.append(Bar(
                    label: "other (\(rest.count))",
                    reference: Double(rest.reduce(0) { $0 + (referenceCounts[$1] ?? 0) }) / referenceTotal,
                    current: Double(rest.reduce(0) { $0 + (currentCounts[$1] ?? 0) }) / currentTotal
                ))
            }
            self.bars = bars
        }
    }

    private static func categories(_ sample: ColumnSample) -> [String?] {
        switch sample {
        case .categorical(let values): values.filter { $0 != nil }
        case .numerical(let values): values.filter(\.isFinite).map { String($0) }
        }
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
