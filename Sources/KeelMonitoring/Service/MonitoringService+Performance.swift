import KeelCore
import KeelServing

/// Performance of one slice of traffic: a version over a window, or over one bucket of it.
public struct PerformanceSlice: Sendable {
    /// The version that answered.
    public var version: String
    /// Its role for most of the slice (`primary`, `candidate`, `variant`, `pinned`, `shadow`).
    public var role: String
    /// Bucket start (epoch ms); nil for the whole window.
    public var start: Int64?
    /// Bucket end (exclusive); nil for the whole window.
    public var end: Int64?
    /// Rows the version answered.
    public var predictions: Int
    /// Rows with ground truth.
    public var labelled: Int
    /// Metrics from ground truth (only those that could be computed).
    public var metrics: [String: Double]
    /// Metrics estimated from predicted probabilities, without labels (classification).
    public var estimated: [String: Double]
}

/// Performance over a window, per version and per time bucket.
public struct PerformanceReport: Sendable {
    /// `classification` or `regression`.
    public var task: MonitorSettings.Task
    /// The positive class (classification).
    public var positiveLabel: String?
    /// Whether estimates were calibrated on a labelled reference.
    public var calibrated: Bool
    /// The window read.
    public var window: WindowSummary
    /// Every version together (version `all`): what callers experienced.
    public var overall: PerformanceSlice
    /// Per version, over the whole window.
    public var versions: [PerformanceSlice]
    /// Per bucket and version, oldest first (empty without a bucket size).
    public var buckets: [PerformanceSlice]
}

/// One answered row and, if known, its ground truth.
struct ScoredRow {
    var version: String
    var role: String
    var timestamp: Int64
    var prediction: LoggedExchange.Prediction
    var label: String?
}

extension MonitoringService {
    /// Performance of `deployment` over `window`, per version, and per `bucketMilliseconds` when given.
    public func performance(deployment: String, window: InferenceWindow, bucketMilliseconds: Int64? = nil) async throws -> PerformanceReport {
        _ = try await deployments.get(deployment)
        let monitor = try await monitors.get(deployment)
        let settings = monitor?.settings ?? MonitorSettings()
        let read = try await windows.records(deployment: deployment, window: window)
        let labels = try await feedback.labels(requestIDs: read.records.map(\.requestID))

        var rows: [ScoredRow] = []
        var errors = 0
        var inferred: [MonitorSettings.Task] = []
        for record in read.records {
            guard record.status == 200 else {
                errors += 1
                continue
            }
            guard let exchange = LoggedExchange(record: record, settings: settings), let predictions = exchange.predictions else { continue }
            inferred.append(exchange.inferredTask)
            for (row, prediction) in predictions.enumerated() {
                rows.append(ScoredRow(
                    version: record.modelVersion, role: record.role, timestamp: record.timestampMilliseconds, prediction: prediction,
                    label: labels[record.requestID]?[row]
                ))
            }
        }
        let task = settings.task ?? (inferred.contains(.regression) ? .regression : .classification)
        let calibration = try await calibration(monitor: monitor, settings: settings, task: task)
        let evaluate = { (slice: ArraySlice<ScoredRow>) in
            Self.measure(slice, task: task, positive: settings.positiveClass, calibration: calibration)
        }

        let byVersion = Dictionary(grouping: rows, by: \.version)
        let versions = byVersion.keys.sorted(by: Self.versionOrder).map { version in
            let slice = byVersion[version]!
            return PerformanceSlice(version: version, role: Self.mainRole(slice), start: nil, end: nil, measured: evaluate(slice[...]))
        }
        var buckets: [PerformanceSlice] = []
        if let bucketMilliseconds {
            let grouped = Dictionary(grouping: rows) { BucketKey(start: $0.timestamp - $0.timestamp % bucketMilliseconds, version: $0.version) }
            buckets = grouped.keys.sorted { ($0.start, Int64($0.version) ?? 0) < ($1.start, Int64($1.version) ?? 0) }.map { key in
                let slice = grouped[key]!
                return PerformanceSlice(
                    version: key.version, role: Self.mainRole(slice), start: key.start, end: key.start + bucketMilliseconds,
                    measured: evaluate(slice[...])
                )
            }
        }
        let summary = WindowSummary(
            start: read.start, end: read.end, requests: read.records.count, rows: rows.count, errors: errors, truncated: read.truncated
        )
        return PerformanceReport(
            task: task, positiveLabel: task == .classification ? settings.positiveClass : nil, calibrated: calibration != nil,
            window: summary,
            overall: PerformanceSlice(version: "all", role: "all", start: nil, end: nil, measured: evaluate(rows[...])),
            versions: versions, buckets: buckets
        )
    }

    private struct BucketKey: Hashable {
        var start: Int64
        var version: String
    }

    /// Isotonic calibration of the reference's probabilities against its `target`, when the
    /// reference holds both (docs/performance-estimation.md).
    private func calibration(monitor: MonitorRecord?, settings: MonitorSettings, task: MonitorSettings.Task) async throws -> IsotonicCalibration? {
        guard task == .classification, let reference = monitor?.reference, let probabilityName = settings.probabilityField else { return nil }
        let table = try await referenceTable(reference)
        guard let target = table.column("target"), let scores = table.column(probabilityName),
            case .numerical(let probabilities) = scores.sample
        else { return nil }
        let outcomes: [Bool?]
        switch target.sample {
        case .numerical(let values): outcomes = values.map { $0.isFinite ? LooseJSON.text($0) == settings.positiveClass : nil }
        case .categorical(let values): outcomes = values.map { $0.map { $0 == settings.positiveClass } }
        }
        var pairedScores: [Double] = []
        var pairedOutcomes: [Bool] = []
        for (score, outcome) in zip(probabilities, outcomes) {
            guard score.isFinite, let outcome else { continue }
            pairedScores.append(score)
            pairedOutcomes.append(outcome)
        }
        return IsotonicCalibration(scores: pairedScores, outcomes: pairedOutcomes)
    }

    struct Measured {
        var predictions: Int
        var labelled: Int
        var metrics: [String: Double]
        var estimated: [String: Double]
    }

    static func measure(_ rows: ArraySlice<ScoredRow>, task: MonitorSettings.Task, positive: String, calibration: IsotonicCalibration?) -> Measured {
        let labelled = rows.filter { $0.label != nil }
        var metrics: [String: Double] = [:]
        var estimated: [String: Double] = [:]
        switch task {
        case .regression:
            let pairs = labelled.compactMap { row -> (Double, Double)? in
                guard let label = row.label.flatMap(Double.init), let predicted = row.prediction.number else { return nil }
                return (label, predicted)
            }
            if !pairs.isEmpty { metrics = RegressionMetrics(labels: pairs.map(\.0), predictions: pairs.map(\.1)).values }
        case .classification:
            let predicted = labelled.map { $0.prediction.value ?? "" }
            if !labelled.isEmpty {
                let scores = labelled.allSatisfy { $0.prediction.probability != nil } ? labelled.map { $0.prediction.probability! } : nil
                metrics = ClassificationMetrics(
                    labels: labelled.map { $0.label! }, predictions: predicted, positiveLabel: positive, scores: scores
                ).values
            }
            let scored = rows.filter { $0.prediction.probability?.isFinite ?? false }
            if !scored.isEmpty, scored.count == rows.count {
                let raw = scored.map { $0.prediction.probability! }
                let probabilities = calibration?.calibrate(raw) ?? raw
                estimated = ConfidenceBasedEstimation(
                    probabilities: probabilities, predictedPositive: scored.map { $0.prediction.value == positive }, rankingScores: raw
                ).values
            }
        }
        return Measured(predictions: rows.count, labelled: labelled.count, metrics: metrics, estimated: estimated)
    }

    static func mainRole(_ rows: [ScoredRow]) -> String {
        Dictionary(grouping: rows, by: \.role).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key ?? "primary"
    }

    static func versionOrder(_ left: String, _ right: String) -> Bool {
        (Int64(left) ?? 0, left) < (Int64(right) ?? 0, right)
    }
}

extension PerformanceSlice {
    init(version: String, role: String, start: Int64?, end: Int64?, measured: MonitoringService.Measured) {
        self.init(
            version: version, role: role, start: start, end: end, predictions: measured.predictions, labelled: measured.labelled,
            metrics: measured.metrics, estimated: measured.estimated
        )
    }
}
