/// An MLflow 3 logged model: a model as its own entity, with params, metrics and artifacts,
/// usually produced by a run.
public struct LoggedModel: Sendable, Hashable {
    /// `m-` followed by 32 hex characters.
    public var modelID: String
    /// The experiment it belongs to.
    public var experimentID: Int64
    /// The name given at logging time (`mlflow.sklearn.log_model(..., name="model")`).
    public var name: String
    /// Where its files live, e.g. `mlflow-artifacts:/1/models/m-…/artifacts`.
    public var artifactLocation: String
    /// Creation time, epoch milliseconds.
    public var creationTimestamp: Int64
    /// Last change, epoch milliseconds.
    public var lastUpdatedTimestamp: Int64
    /// Whether its upload finished.
    public var status: LoggedModelStatus
    /// Active or deleted.
    public var lifecycleStage: LifecycleStage
    /// A free-form type, e.g. `agent`.
    public var modelType: String?
    /// The run that produced it.
    public var sourceRunID: String?
    /// Why the upload failed, when it did.
    public var statusMessage: String?
    /// Tags.
    public var tags: [KeyValue]
    /// Params (by default the producing run's).
    public var params: [KeyValue]
    /// Metrics logged against this model, with their run and dataset.
    public var metrics: [ModelMetric]
}

/// A metric observation attributed to a logged model.
public struct ModelMetric: Sendable, Hashable {
    /// The observation.
    public var metric: Metric
    /// The run it was logged in.
    public var runID: String
}

/// Where a logged model is in its upload (MLflow's `LoggedModelStatus`).
public enum LoggedModelStatus: String, Sendable, Hashable, CaseIterable {
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case uploadFailed = "LOGGED_MODEL_UPLOAD_FAILED"

    /// The proto enum number MLflow's SQL store keeps, which its filters compare against.
    var protoNumber: Int {
        switch self {
        case .pending: 1
        case .ready: 2
        case .uploadFailed: 3
        }
    }

    /// Reads a status as a filter may spell it: `READY`, `LOGGED_MODEL_READY` or `2`.
    init?(filterValue: String) {
        let upper = filterValue.uppercased()
        let match = Self.allCases.first {
            $0.rawValue == upper || $0.rawValue == "LOGGED_MODEL_" + upper || String($0.protoNumber) == filterValue
        }
        guard let match else { return nil }
        self = match
    }
}
