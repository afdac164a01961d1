public import KeelTracking

/// A named model in the registry, holding numbered versions.
public struct RegisteredModel: Sendable, Hashable {
    /// The unique name (no `/` or `:`).
    public var name: String
    /// Creation time, epoch milliseconds.
    public var creationTimestamp: Int64
    /// Last change, epoch milliseconds.
    public var lastUpdatedTimestamp: Int64
    /// A free-form description.
    public var description: String?
    /// Who created it.
    public var userID: String?
    /// The newest version in each stage.
    public var latestVersions: [ModelVersion]
    /// Tags.
    public var tags: [KeyValue]
    /// Aliases and the versions they point at.
    public var aliases: [ModelAlias]
}

/// A movable name for one version, e.g. `champion → 3`.
public struct ModelAlias: Sendable, Hashable {
    /// The alias.
    public var alias: String
    /// The version it points at.
    public var version: Int64

    /// Creates an alias entry.
    public init(alias: String, version: Int64) {
        self.alias = alias
        self.version = version
    }
}

/// One version of a registered model: a pointer to model files, usually a logged model.
public struct ModelVersion: Sendable, Hashable {
    /// The registered model's name.
    public var name: String
    /// 1, 2, 3… per model; never reused.
    public var version: Int64
    /// Creation time, epoch milliseconds.
    public var creationTimestamp: Int64
    /// Last change, epoch milliseconds.
    public var lastUpdatedTimestamp: Int64
    /// A free-form description.
    public var description: String?
    /// Who created it.
    public var userID: String?
    /// The legacy stage.
    public var currentStage: ModelStage
    /// The source as the client gave it (`models:/m-…`, `runs:/…/model`, …).
    public var source: String
    /// Where the files are, as an artifact URI the client can download.
    public var storageLocation: String
    /// The run that produced it.
    public var runID: String?
    /// A link to that run, as the client gave it.
    public var runLink: String?
    /// The logged model it registers (MLflow 3).
    public var modelID: String?
    /// Always READY in Keel: files are already uploaded when a version is created.
    public var status: String
    /// A message about the status.
    public var statusMessage: String?
    /// Tags.
    public var tags: [KeyValue]
    /// Aliases pointing at this version.
    public var aliases: [String]
}

/// MLflow's legacy model stages.
public enum ModelStage: String, Sendable, Hashable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Reads a stage name the way MLflow does: case-insensitively.
    public init?(caseInsensitive name: String) {
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = stage
    }

    /// The stage a deleted version is parked in; it is never shown.
    static let deletedInternal = "Deleted_Internal"
}
