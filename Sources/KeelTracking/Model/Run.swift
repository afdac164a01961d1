/// A single execution of training or evaluation code, with everything it logged.
public struct Run: Sendable, Hashable {
    /// The run's metadata.
    public var info: RunInfo
    /// The latest value of each metric.
    public var metrics: [Metric]
    /// Parameters, each logged once.
    public var params: [KeyValue]
    /// Tags, mutable.
    public var tags: [KeyValue]
    /// Datasets and models the run read.
    public var inputs: RunInputs
    /// Models the run produced.
    public var outputs: RunOutputs
}

/// A run's metadata (MLflow's `RunInfo`).
public struct RunInfo: Sendable, Hashable {
    /// 32 hex characters.
    public var runID: String
    /// The owning experiment.
    public var experimentID: Int64
    /// A human-readable name (generated when the client gives none).
    public var runName: String
    /// Who started the run.
    public var userID: String
    /// Where the run is in its life.
    public var status: RunStatus
    /// Start time, epoch milliseconds.
    public var startTime: Int64?
    /// End time, epoch milliseconds, once finished.
    public var endTime: Int64?
    /// Where the run's artifacts live, e.g. `mlflow-artifacts:/1/<run>/artifacts`.
    public var artifactURI: String
    /// Active or deleted.
    public var lifecycleStage: LifecycleStage
}

/// The states a run moves through (MLflow's `RunStatus`).
public enum RunStatus: String, Sendable, Hashable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"
}

/// One metric observation.
public struct Metric: Sendable, Hashable {
    /// The metric's name.
    public var key: String
    /// The value; may be NaN or infinite.
    public var value: Double
    /// When it was observed, epoch milliseconds.
    public var timestamp: Int64
    /// The training step (may be negative).
    public var step: Int64
    /// The logged model it describes, if any (MLflow 3).
    public var modelID: String?
    /// The dataset it was computed on, if any (MLflow 3).
    public var datasetName: String?
    /// That dataset's digest.
    public var datasetDigest: String?

    /// Creates an observation.
    public init(
        key: String, value: Double, timestamp: Int64, step: Int64,
        modelID: String? = nil, datasetName: String? = nil, datasetDigest: String? = nil
    ) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
        self.modelID = modelID
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// What a run consumed.
public struct RunInputs: Sendable, Hashable {
    /// Datasets with their input tags (e.g. `mlflow.data.context = training`).
    public var datasetInputs: [DatasetInput]
    /// Logged models the run read (MLflow 3).
    public var modelInputs: [String]

    /// No inputs.
    public static let empty = RunInputs(datasetInputs: [], modelInputs: [])
}

/// What a run produced.
public struct RunOutputs: Sendable, Hashable {
    /// Logged models and the step at which each was produced.
    public var modelOutputs: [ModelOutput]

    /// No outputs.
    public static let empty = RunOutputs(modelOutputs: [])
}

/// A logged model a run produced.
public struct ModelOutput: Sendable, Hashable {
    /// The logged model's id (`m-…`).
    public var modelID: String
    /// The step it was produced at.
    public var step: Int64

    /// Creates an output link.
    public init(modelID: String, step: Int64) {
        self.modelID = modelID
        self.step = step
    }
}
