public import KeelCore

/// How a deployment is monitored: what its answers mean and how drift is judged.
///
/// Stored as JSON in `monitors.settings`; every field is optional (docs/monitoring.md).
public struct MonitorSettings: Sendable, Codable, Equatable {
    /// What the model predicts.
    public enum Task: String, Sendable, Codable {
        /// Labels (precision/recall of ``MonitorSettings/positiveLabel``).
        case classification
        /// Numbers.
        case regression
    }

    /// nil: inferred from the predictions (text, booleans, whole numbers → classification).
    public var task: Task?
    /// The field of object predictions (or OIP output) that holds the prediction.
    public var prediction: String?
    /// The field (or OIP output) that holds the positive class's probability.
    public var probability: String?
    /// The class precision, recall, F1 and ROC-AUC are about, as cell text (`"1"`, `"yes"`).
    public var positiveLabel: String?
    /// The share of drifted columns at which the data set drifted (Evidently's 0.5).
    public var driftShare: Double?
    /// One drift test for every column.
    public var method: DriftMethod?
    /// One threshold for every column.
    public var threshold: Double?
    /// A test per column.
    public var columnMethods: [String: DriftMethod]?
    /// A threshold per column.
    public var columnThresholds: [String: Double]?

    /// No choices: every default.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case task, prediction, probability
        case positiveLabel = "positive_label"
        case driftShare = "drift_share"
        case method, threshold
        case columnMethods = "column_methods"
        case columnThresholds = "column_thresholds"
    }

    /// Reads `positive_label` as a string, number or boolean (stored as cell text: `1`, `True`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        task = try container.decodeIfPresent(Task.self, forKey: .task)
        prediction = try container.decodeIfPresent(String.self, forKey: .prediction)
        probability = try container.decodeIfPresent(String.self, forKey: .probability)
        if let label = try? container.decodeIfPresent(LooseJSON.self, forKey: .positiveLabel), label != .null {
            guard let text = label.cellText else {
                throw DecodingError.dataCorruptedError(
                    forKey: .positiveLabel, in: container, debugDescription: "positive_label must be a string, number or boolean."
                )
            }
            positiveLabel = text
        } else {
            positiveLabel = nil
        }
        driftShare = try container.decodeIfPresent(Double.self, forKey: .driftShare)
        method = try container.decodeIfPresent(DriftMethod.self, forKey: .method)
        threshold = try container.decodeIfPresent(Double.self, forKey: .threshold)
        columnMethods = try container.decodeIfPresent([String: DriftMethod].self, forKey: .columnMethods)
        columnThresholds = try container.decodeIfPresent([String: Double].self, forKey: .columnThresholds)
    }

    /// The prediction field, `prediction` unless named.
    var predictionField: String { prediction ?? "prediction" }
    /// The probability field, `probability` unless named.
    var probabilityField: String? { probability ?? "probability" }
    /// The positive class, `1` unless named.
    var positiveClass: String { positiveLabel ?? "1" }

    /// The drift options these settings choose.
    var driftOptions: DriftOptions {
        var options = DriftOptions()
        options.method = method
        options.threshold = threshold
        options.methods = columnMethods ?? [:]
        options.thresholds = columnThresholds ?? [:]
        if let driftShare { options.driftShare = driftShare }
        return options
    }

    /// Refuses values no monitor can use.
    public func validate() throws(KeelError) {
        if let driftShare, !(driftShare > 0 && driftShare <= 1) {
            throw .invalidParameter("drift_share must be in (0, 1], got \(driftShare).")
        }
        if let threshold, !(threshold > 0 && threshold.isFinite) {
            throw .invalidParameter("threshold must be a positive number, got \(threshold).")
        }
        for (column, value) in columnThresholds ?? [:] where !(value > 0 && value.isFinite) {
            throw .invalidParameter("column_thresholds['\(column)'] must be a positive number, got \(value).")
        }
        for name in [prediction, probability, positiveLabel].compactMap({ $0 }) where name.isEmpty || name.count > 250 {
            throw .invalidParameter("prediction, probability and positive_label must be 1 to 250 characters.")
        }
    }
}
