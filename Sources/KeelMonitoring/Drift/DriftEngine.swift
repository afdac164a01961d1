import Dispatch
import Foundation
import NIOConcurrencyHelpers
import KeelCore

/// The drift verdict for one column.
public struct ColumnDrift: Sendable, Equatable {
    /// The column's name.
    public var column: String
    /// How it was compared.
    public var kind: ColumnKind
    /// The test used.
    public var method: DriftMethod
    /// The p-value or distance.
    public var score: Double
    /// The threshold the score was judged against.
    public var threshold: Double
    /// Whether the column drifted.
    public var detected: Bool
    /// Values compared on each side, after removing missing ones.
    public var referenceCount: Int
    /// Values compared in the current data.
    public var currentCount: Int
}

/// The verdict for a whole table: every column's, and whether enough of them drifted.
public struct DatasetDrift: Sendable, Equatable {
    /// Per column, in Evidently's order: target, prediction, numerical, categorical (each sorted).
    public var columns: [ColumnDrift]
    /// How many columns drifted.
    public var driftedColumns: Int
    /// `driftedColumns / columns.count`.
    public var share: Double
    /// The share at which the dataset counts as drifted (Evidently's default 0.5).
    public var shareThreshold: Double
    /// `share >= shareThreshold`.
    public var detected: Bool
}

/// Choices a user may make; everything else follows Evidently's defaults.
public struct DriftOptions: Sendable {
    /// A test per column, overriding the default choice.
    public var methods: [String: DriftMethod] = [:]
    /// A threshold per column, overriding the test's default.
    public var thresholds: [String: Double] = [:]
    /// One test for every column (e.g. PSI), below per-column choices.
    public var method: DriftMethod?
    /// One threshold for every column, below per-column thresholds.
    public var threshold: Double?
    /// The share of drifted columns at which the dataset drifted.
    public var driftShare: Double = 0.5
    /// Compare columns on every core (blocks the calling thread until done: for the command
    /// line, not for a server's shared executor).
    public var parallel = false

    /// Evidently's defaults.
    public init() {}
}

/// Compares columns with the tests Evidently 0.7.23 chooses by default
/// (docs/drift-evidently-defaults.md §4): by column kind, reference size and distinct values.
public enum DriftEngine {
    /// Evidently's default test for a cleaned column.
    static func defaultMethod(for column: CleanColumn) -> DriftMethod {
        let distinct = column.distinctValues
        if column.referenceCount <= 1000 {
            if distinct <= 2 { return .z }
            if column.kind == .categorical || distinct <= 5 { return .chisquare }
            return .ks
        }
        if column.kind == .categorical || distinct <= 5 { return .jensenshannon }
        return .wasserstein
    }

    /// Compares one column.
    public static func compare(
        column name: String, kind: ColumnKind, reference: ColumnSample, current: ColumnSample, options: DriftOptions = DriftOptions()
    ) throws -> ColumnDrift {
        let column = try CleanColumn(name: name, kind: kind, reference: reference, current: current)
        let method = options.methods[name] ?? options.method ?? defaultMethod(for: column)
        if [.ks, .wasserstein].contains(method), kind != .numerical {
            throw KeelError.invalidParameter("Column '\(name)' is categorical; \(method.rawValue) needs numbers.")
        }
        let threshold = options.thresholds[name] ?? options.threshold ?? method.defaultThreshold
        let score = Self.score(method, column)
        return ColumnDrift(
            column: name, kind: kind, method: method, score: score, threshold: threshold,
            detected: method.detectsDrift(score: score, threshold: threshold),
            referenceCount: column.referenceCount, currentCount: column.currentCount
        )
    }

    /// Compares every column and judges the dataset.
    public static func compare(_ columns: [(name: String, kind: ColumnKind, reference: ColumnSample, current: ColumnSample)], options: DriftOptions = DriftOptions()) throws -> DatasetDrift {
        let results = try compareEach(columns, options: options)
        let drifted = results.filter(\.detected).count
        let share = results.isEmpty ? 0 : Double(drifted) / Double(results.count)
        return DatasetDrift(
            columns: results, driftedColumns: drifted, share: share, shareThreshold: options.driftShare,
            detected: !results.isEmpty && share >= options.driftShare
        )
    }

    /// Compares the columns, on every core when ``DriftOptions/parallel`` is set.
    static func compareEach(
        _ columns: [(name: String, kind: ColumnKind, reference: ColumnSample, current: ColumnSample)], options: DriftOptions
    ) throws -> [ColumnDrift] {
        guard options.parallel, columns.count > 1 else {
            return try columns.map { try compare(column: $0.name, kind: $0.kind, reference: $0.reference, current: $0.current, options: options) }
        }
        let results = NIOLockedValueBox([Int: Result<ColumnDrift, any Error>]())
        // Largest columns first, so the last one to start is a short one.
        let order = columns.indices.sorted { columns[$0].current.count + columns[$0].reference.count > columns[$1].current.count + columns[$1].reference.count }
        let next = NIOLockedValueBox(0)
        DispatchQueue.concurrentPerform(iterations: min(ProcessInfo.processInfo.activeProcessorCount, columns.count)) { _ in
            while true {
                let position = next.withLockedValue { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard position < order.count else { return }
                let column = columns[order[position]]
                let result = Result { try compare(column: column.name, kind: column.kind, reference: column.reference, current: column.current, options: options) }
                results.withLockedValue { $0[order[position]] = result }
            }
        }
        return try results.withLockedValue { results in try columns.indices.map { try results[$0]!.get() } }
    }

    private static func score(_ method: DriftMethod, _ column: CleanColumn) -> Double {
        switch method {
        case .ks:
            return kolmogorovSmirnovTest(column.numericalReference, column.numericalCurrent).result.pValue
        case .chisquare:
            return chiSquareTest(column.categoryCounts).pValue
        case .z:
            return proportionsZTest(column.categoryCounts).pValue
        case .wasserstein:
            return normedWassersteinDistance(
                reference: column.numericalReference, sortedReference: column.sortedReference, sortedCurrent: column.sortedCurrent
            )
        case .jensenshannon:
            let shares = binned(column)
            return jensenShannonDistance(shares.reference, shares.current)
        case .psi:
            return populationStabilityIndex(binned(column).withZeroesFilled())
        }
    }

    /// Evidently's `get_binned_data`: Sturges bins for numbers with more than 20 distinct
    /// reference values, value counts otherwise.
    private static func binned(_ column: CleanColumn) -> BinnedShares {
        if column.kind == .numerical, column.distinctReferenceValues > 20 {
            return .numerical(reference: column.numericalReference, current: column.numericalCurrent)
        }
        return .categorical(column.categoryCounts)
    }
}
