import KeelCore

/// What a window held, as drift and performance answers report it.
public struct WindowSummary: Sendable {
    /// First request's time (epoch ms), or the asked start when empty.
    public var start: Int64?
    /// Last request's time, or the asked end when empty.
    public var end: Int64?
    /// Requests read.
    public var requests: Int
    /// Rows (instances) those requests carried.
    public var rows: Int
    /// Requests that failed.
    public var errors: Int
    /// True when the window held more than ``InferenceWindow/maxRequests`` requests.
    public var truncated: Bool
}

/// Drift of one window against the reference.
public struct WindowDrift: Sendable {
    /// The window read.
    public var window: WindowSummary
    /// The comparison.
    public var drift: DatasetDrift
    /// Reference columns that could not be compared, and why.
    public var skipped: [(column: String, reason: String)]
    /// Per compared column, reference and current shares (when asked for).
    public var histograms: [String: DriftHistogram]
}

/// One call's choices over the stored settings.
public struct DriftOverrides: Sendable {
    /// One test for every column.
    public var method: DriftMethod?
    /// One threshold for every column.
    public var threshold: Double?
    /// The dataset-drift share.
    public var driftShare: Double?

    /// No overrides.
    public init(method: DriftMethod? = nil, threshold: Double? = nil, driftShare: Double? = nil) {
        self.method = method
        self.threshold = threshold
        self.driftShare = driftShare
    }
}

extension MonitoringService {
    /// Drift of `deployment`'s window against its reference, per feature and on predictions.
    public func drift(
        deployment: String, window: InferenceWindow, overrides: DriftOverrides = DriftOverrides(), histograms: Bool = false
    ) async throws -> WindowDrift {
        let sensitive = try await deployments.get(deployment).deployment.sensitiveColumns?.columns ?? [:]
        guard let monitor = try await monitors.get(deployment), let reference = monitor.reference else {
            throw KeelError.notFound(Self.noReference(deployment))
        }
        let referenceTable = try await referenceTable(reference)
        let read = try await windows.records(deployment: deployment, window: window)
        let predictionsAreProbabilities = referenceTable.column(WindowTable.predictionColumn).map {
            DriftReport.isProbability($0, nil)
        } ?? false
        let current = WindowTable(
            records: read.records, settings: monitor.settings, wanted: referenceTable.columns.map(\.name),
            probabilities: predictionsAreProbabilities
        )
        let summary = WindowSummary(
            start: read.start, end: read.end, requests: current.requests, rows: current.table.rowCount, errors: current.errors,
            truncated: read.truncated
        )
        guard current.table.rowCount > 0 else {
            throw KeelError.invalidParameter(
                "The window \(window) of deployment '\(deployment)' holds no answered requests to compare (\(current.requests) requests, \(current.errors) failed)."
            )
        }

        var skipped: [(column: String, reason: String)] = []
        var comparable: [DataTable.Column] = []
        for column in referenceTable.columns where column.name != "target" {
            if let treatment = sensitive[column.name] {
                skipped.append((column.name, "sensitive: the inference log keeps it \(treatment == .hash ? "hashed" : "redacted")"))
                continue
            }
            guard let live = current.table.column(column.name) else {
                skipped.append((column.name, "the requests do not carry it"))
                continue
            }
            switch (column.sample, live.sample) {
            case (.numerical, .numerical), (.categorical, .categorical):
                if live.sample.presentCount == 0 {
                    skipped.append((column.name, "every value in the window is missing"))
                } else {
                    comparable.append(column)
                }
            default:
                skipped.append((column.name, "numbers on one side and text on the other"))
            }
        }
        var options = monitor.settings.driftOptions
        if let method = overrides.method { options.method = method }
        if let threshold = overrides.threshold { options.threshold = threshold }
        if let share = overrides.driftShare { options.driftShare = share }
        let referenceView = DataTable(columns: comparable, rowCount: referenceTable.rowCount)
        let hasPrediction = comparable.contains { $0.name == WindowTable.predictionColumn }
        // Without labels in the window Evidently would guess the task from the prediction alone;
        // a regression model's numbers must be compared as numbers.
        let regression = monitor.settings.task == .regression
        let drift = try DriftReport.compare(
            reference: referenceView, current: current.table, target: nil,
            prediction: hasPrediction ? WindowTable.predictionColumn : nil,
            predictionKind: regression ? .numerical : nil, options: options
        )
        var charts: [String: DriftHistogram] = [:]
        if histograms {
            for column in drift.columns {
                if let left = referenceView.column(column.column), let right = current.table.column(column.column) {
                    charts[column.column] = DriftHistogram(reference: left.sample, current: right.sample)
                }
            }
        }
        return WindowDrift(window: summary, drift: drift, skipped: skipped, histograms: charts)
    }
}

extension ColumnSample {
    /// Values that are not missing.
    var presentCount: Int {
        switch self {
        case .numerical(let values): values.count { $0.isFinite }
        case .categorical(let values): values.count { $0 != nil }
        }
    }
}
