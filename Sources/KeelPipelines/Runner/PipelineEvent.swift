/// What happened to a stage in one pipeline run.
public enum StageStatus: String, Sendable, Codable, CaseIterable {
    /// Its command (or built-in step) ran and succeeded.
    case ran
    /// Its run-cache key was in the cache: its outputs were copied back, nothing ran.
    case restored
    /// `keel.lock` already records this exact run and its outputs are in place.
    case unchanged
    /// It ran and failed, or its inputs were missing; everything after it is blocked.
    case failed
    /// A stage it waits for failed or was blocked, so it did not run.
    case blocked
    /// The run was interrupted while it was running, or before it started.
    case cancelled

    /// Whether stages after it may run.
    public var succeeded: Bool {
        self == .ran || self == .restored || self == .unchanged
    }
}

/// One line of a pipeline run's progress: `keel run --json` prints each as a JSON object, and
/// the table for people is drawn from the same events.
public struct PipelineEvent: Sendable, Encodable {
    /// The kind of event.
    public enum Kind: String, Sendable, Encodable {
        case pipelineStarted = "pipeline_started"
        case stageStarted = "stage_started"
        case stageOutput = "stage_output"
        case stageFinished = "stage_finished"
        case pipelineFinished = "pipeline_finished"
    }

    public var event: Kind
    public var stage: String?
    /// The stage's kind (`cmd`, `validate`, …) on `stage_started`.
    public var kind: String?
    /// The command as run, on `stage_started`.
    public var cmd: String?
    /// On `stage_finished`.
    public var status: StageStatus?
    /// An output line (`stage_output`), or why a stage ran, failed or was skipped.
    public var message: String?
    /// Why a stage had to run (`stage_started`): what changed since `keel.lock`.
    public var reasons: [String]?
    /// Seconds the stage (or the whole run) took.
    public var seconds: Double?
    /// The tracking run of the pipeline or the stage, when recorded.
    public var runID: String?
    /// Stages in run order, on `pipeline_started`.
    public var stages: [String]?
    /// Whether every stage succeeded, on `pipeline_finished`.
    public var succeeded: Bool?
    /// How many stages ended in each status, on `pipeline_finished`.
    public var counts: [String: Int]?
    /// A registered version or a deployment change, from `register` and `deploy`.
    public var result: [String: String]?

    enum CodingKeys: String, CodingKey {
        case event, stage, kind, cmd, status, message, reasons, seconds, runID = "run_id", stages, succeeded, counts, result
    }

    public init(_ event: Kind, stage: String? = nil) {
        self.event = event
        self.stage = stage
    }
}
