/// A named group of runs, with its own artifact location and tags.
public struct Experiment: Sendable, Hashable {
    /// The numeric id, as a string on the wire (`"0"` is `Default`).
    public var id: Int64
    /// The unique name.
    public var name: String
    /// Where the experiment's run artifacts live, e.g. `mlflow-artifacts:/3`.
    public var artifactLocation: String
    /// Whether the experiment is active or deleted.
    public var lifecycleStage: LifecycleStage
    /// Creation time, epoch milliseconds.
    public var creationTime: Int64
    /// Last change, epoch milliseconds.
    public var lastUpdateTime: Int64
    /// Tags set on the experiment.
    public var tags: [KeyValue]
}

/// A key-value pair: a param, a tag, or an input tag.
public struct KeyValue: Sendable, Hashable, Codable {
    /// The key.
    public var key: String
    /// The value.
    public var value: String

    /// Creates a pair.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Whether an experiment or run is live or in the trash (MLflow soft-deletes).
public enum LifecycleStage: String, Sendable, Hashable {
    case active
    case deleted
}

/// Which lifecycle stages a search includes (MLflow's `ViewType`).
public enum ViewType: String, Sendable, Hashable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    /// The stages the view admits.
    var stages: [String] {
        switch self {
        case .activeOnly: [LifecycleStage.active.rawValue]
        case .deletedOnly: [LifecycleStage.deleted.rawValue]
        case .all: [LifecycleStage.active.rawValue, LifecycleStage.deleted.rawValue]
        }
    }
}
