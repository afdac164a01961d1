public import KeelTracking

/// Everything known about where a model version came from and where it went.
///
/// Answers "which model version, trained on which data, with which parameters, is where?".
public struct ModelVersionLineage: Sendable {
    /// The version asked about.
    public var version: ModelVersion
    /// The logged model it registers, if any.
    public var loggedModel: LoggedModel?
    /// The run that produced it, with params, metrics and tags.
    public var run: Run?
    /// Datasets that run consumed, with their context (`training`, `eval`, …).
    public var datasets: [DatasetInput]
    /// Source-control facts from the run's `mlflow.source.*` tags.
    public var code: CodeVersion
    /// Deployments currently serving this version (filled by the serving part).
    public var deployments: [DeploymentReference]
}

/// The code that produced a run, as recorded by MLflow's client tags.
public struct CodeVersion: Sendable, Hashable {
    /// `mlflow.source.git.commit`.
    public var gitCommit: String?
    /// `mlflow.source.git.repoURL`.
    public var gitRepoURL: String?
    /// `mlflow.source.git.branch`.
    public var gitBranch: String?
    /// `mlflow.source.name`: the entry point script or notebook.
    public var sourceName: String?
    /// `mlflow.source.type`: LOCAL, NOTEBOOK, JOB, PROJECT…
    public var sourceType: String?

    init(tags: [KeyValue]) {
        func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
        gitCommit = tag("mlflow.source.git.commit")
        gitRepoURL = tag("mlflow.source.git.repoURL")
        gitBranch = tag("mlflow.source.git.branch")
        sourceName = tag("mlflow.source.name")
        sourceType = tag("mlflow.source.type")
    }
}

/// A deployment serving a model version, as the serving part reports it.
public struct DeploymentReference: Sendable, Hashable {
    /// The deployment's name.
    public var name: String
    /// Share of traffic this version receives (0…1).
    public var trafficShare: Double
    /// How the version is reached (`primary`, `canary`, `shadow`…).
    public var role: String

    /// Creates a reference.
    public init(name: String, trafficShare: Double, role: String) {
        self.name = name
        self.trafficShare = trafficShare
        self.role = role
    }
}

/// The seam through which the serving part tells lineage what is deployed.
///
/// The registry does not know about serving; serving conforms to this and is handed to
/// ``LineageService`` when the server is wired together.
public protocol DeploymentDirectory: Sendable {
    /// Deployments serving `version` of model `name`.
    func deployments(servingModel name: String, version: Int64) async throws -> [DeploymentReference]
}

/// Who used a dataset: runs, and the model versions those runs produced.
public struct DatasetLineage: Sendable {
    /// The digest asked about.
    public var digest: String
    /// Each run's use of the dataset.
    public var usages: [DatasetUsage]
    /// Model versions produced by those runs.
    public var modelVersions: [ModelVersion]
}
