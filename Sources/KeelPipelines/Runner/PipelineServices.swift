public import Foundation

/// What a pipeline run needs from the rest of Keel: tracking to record it, the registry and
/// serving for its `register`, `deploy` and `prev` steps.
///
/// The seam between the pipeline engine and the platform. `keel run` gives an implementation
/// that talks to a Keel server's REST API: one it was pointed at, or one it starts in its own
/// process on the embedded store. Without services (`nil`), a pipeline still runs and caches,
/// but records nothing and cannot register or deploy.
public protocol PipelineServices: Sendable {
    /// Starts the run that stands for one execution of the pipeline.
    func startPipelineRun(_ start: PipelineRunStart) async throws -> PipelineRunHandle
    /// Starts a stage's run, nested under the pipeline's; returns its run id.
    func startStageRun(pipelineRunID: String, experimentID: String, stage: String, tags: [String: String]) async throws -> String
    /// Logs what a stage read and produced to its run.
    func record(_ record: StageRecord) async throws
    /// Ends a run: `FINISHED` when it succeeded, `FAILED` otherwise.
    func finishRun(_ runID: String, succeeded: Bool) async throws
    /// The metrics of the run behind `model@alias`, nil when the alias is not set.
    func championMetrics(model: String, alias: String) async throws -> [String: Double]?
    /// Uploads a model directory to `runID`'s artifacts, registers it as a new version of `name`
    /// and points `alias` at it; returns the version number.
    func registerModel(_ registration: ModelRegistration) async throws -> Int64
    /// Puts a registered version on a deployment.
    func deploy(_ deployment: ModelDeployment) async throws -> DeploymentChange
}

/// The pipeline's run: where it goes and what it is tagged with.
public struct PipelineRunStart: Sendable {
    /// The experiment to record into (created when missing).
    public var experiment: String
    /// The run's name.
    public var runName: String
    /// Every parameter the stages read, by dotted key.
    public var params: [String: String]
    /// `keel.pipeline`, the code commit and the like.
    public var tags: [String: String]
}

/// A started pipeline run.
public struct PipelineRunHandle: Sendable {
    public var runID: String
    public var experimentID: String

    public init(runID: String, experimentID: String) {
        self.runID = runID
        self.experimentID = experimentID
    }
}

/// One stage's run as tracking records it.
public struct StageRecord: Sendable {
    public var runID: String
    public var params: [String: String]
    public var metrics: [String: Double]
    public var tags: [String: String]
    /// The files it read, by content hash.
    public var datasets: [DatasetRecord]
    /// Local files to upload, with the artifact path each goes to (its log, its report).
    public var artifacts: [(file: URL, artifactPath: String)]
}

/// A file or directory a stage read, named by its content hash for lineage.
public struct DatasetRecord: Sendable, Equatable {
    /// The path in the pipeline's directory.
    public var path: String
    public var sha256: String
    public var size: Int64
    /// Files, for a directory.
    public var files: Int?
    /// The stage that read it.
    public var stage: String
}

/// A `register` step's request.
public struct ModelRegistration: Sendable {
    /// The MLflow model directory.
    public var directory: URL
    /// The path under the run's artifacts it goes to.
    public var artifactPath: String
    public var name: String
    public var alias: String?
    /// The run the version is linked to (the register stage's).
    public var runID: String
    /// Tags for the new version (the pipeline, its run, the model's content hash).
    public var tags: [String: String]
}

/// A `deploy` step's request.
public struct ModelDeployment: Sendable {
    public var deployment: String
    public var model: String
    public var version: Int64
    public var mode: DeploySpec.Mode
    public var percent: Int
}

/// What a `deploy` step changed.
public struct DeploymentChange: Sendable {
    /// The version's role now: `primary` (a new deployment, or it already was), `canary` or `shadow`.
    public var role: String
    /// A sentence for the log.
    public var message: String

    public init(role: String, message: String) {
        self.role = role
        self.message = message
    }
}
