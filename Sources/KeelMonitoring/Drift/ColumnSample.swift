import KeelCore

/// One column's values on one side of a comparison.
public enum ColumnSample: Sendable {
    /// Numbers; `nan` and infinities are missing values.
    case numerical([Double])
    /// Categories; `nil` is a missing value.
    case categorical(Categories)

    /// How many values it holds, missing ones included.
    public var count: Int {
        switch self {
        case .numerical(let values): values.count
        case .categorical(let values): values.count
        }
    }
}

/// What kind of column a test sees.
public enum ColumnKind: String, Sendable, Codable {
    /// Numbers compared as a distribution.
    case numerical = "num"
    /// Values compared by counts.
    case categorical = "cat"
}

/// A column's values on both sides after cleaning: ±inf and NaN (or nil) removed, as
/// Evidently's per-column drift does, so both sides hold only comparable values.
///
/// Numbers stay numbers: categorical tests on a numerical column count the numbers
/// themselves as categories (as pandas does; no text conversion), and both samples are sorted
/// once here for the distinct count and the distance tests.
struct CleanColumn {
    var kind: ColumnKind
    var numericalReference: [Double] = []
    var numericalCurrent: [Double] = []
    var sortedReference: [Double] = []
    var sortedCurrent: [Double] = []
    /// Text columns' counts per category (numbers are counted from the sorted samples on demand).
    var textCounts: PairedCounts?
    /// Distinct values over both sides (Evidently's `n_values`).
    var distinctValues = 0

    init(name: String, kind: ColumnKind, reference: ColumnSample, current: ColumnSample) throws {
        self.kind = kind
        switch (reference, current) {
        case (.numerical(let referenceValues), .numerical(let currentValues)):
            // Most columns have nothing to drop: share their storage instead of copying it.
            numericalReference = referenceValues.allSatisfy(\.isFinite) ? referenceValues : referenceValues.filter(\.isFinite)
            numericalCurrent = currentValues.allSatisfy(\.isFinite) ? currentValues : currentValues.filter(\.isFinite)
            sortedReference = radixSorted(numericalReference)
            sortedCurrent = radixSorted(numericalCurrent)
            distinctValues = distinctCount(sorted: sortedReference, sortedCurrent)
        case (.categorical(let referenceValues), .categorical(let currentValues)):
            guard kind == .categorical else {
                throw KeelError.invalidParameter("Column '\(name)' holds text, so it cannot be compared as numbers.")
            }
            let counts = PairedCounts(reference: referenceValues, current: currentValues)
            textCounts = counts
            distinctValues = counts.distinctValues
        default:
            throw KeelError.invalidParameter("Column '\(name)' is numerical on one side and text on the other.")
        }
        guard referenceCount > 0 else { throw KeelError.invalidParameter("Column '\(name)' has no values in the reference data.") }
        guard currentCount > 0 else { throw KeelError.invalidParameter("Column '\(name)' has no values in the current data.") }
    }

    var isNumerical: Bool { textCounts == nil }
    var referenceCount: Int { textCounts?.referenceTotal ?? numericalReference.count }
    var currentCount: Int { textCounts?.currentTotal ?? numericalCurrent.count }

    /// Counts per value, for the category tests: numbers count as categories.
    var categoryCounts: PairedCounts {
        textCounts ?? PairedCounts(sortedReference: sortedReference, sortedCurrent: sortedCurrent)
    }

    /// Distinct reference values (numbers only).
    var distinctReferenceValues: Int { distinctCount(sorted: sortedReference, []) }
}
