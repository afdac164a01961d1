import Foundation
import KeelCore

/// How the server runs a registered pipeline, and what starts it besides a REST call.
public struct PipelineSettings: Sendable, Equatable, Codable {
    /// A cron schedule (UTC), e.g. `0 3 * * *`.
    public var schedule: String?
    /// Deployments whose alerts, when they fire, start a run (retraining on drift).
    public var onAlert: [String]
    /// Files or directories (relative to the pipeline's directory, or absolute) whose new
    /// content starts a run: a new version of the dataset.
    public var onDataset: [String]
    /// How often the datasets are checked, in seconds.
    public var datasetPollSeconds: Int
    /// The tracking experiment; the pipeline's name when nil.
    public var experiment: String?
    /// Stages that may run at once within a run.
    public var jobs: Int?
    /// Runs of this pipeline that may be active at once; more wait in the queue. Runs beyond
    /// the first work in a copy of the directory that shares its cache.
    public var maxConcurrentRuns: Int

    public init(
        schedule: String? = nil, onAlert: [String] = [], onDataset: [String] = [], datasetPollSeconds: Int = 60,
        experiment: String? = nil, jobs: Int? = nil, maxConcurrentRuns: Int = 1
    ) {
        self.schedule = schedule
        self.onAlert = onAlert
        self.onDataset = onDataset
        self.datasetPollSeconds = datasetPollSeconds
        self.experiment = experiment
        self.jobs = jobs
        self.maxConcurrentRuns = maxConcurrentRuns
    }

    enum CodingKeys: String, CodingKey {
        case schedule, onAlert = "on_alert", onDataset = "on_dataset", datasetPollSeconds = "dataset_poll_seconds"
        case experiment, jobs, maxConcurrentRuns = "max_concurrent_runs"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schedule = try container.decodeIfPresent(String.self, forKey: .schedule)
        onAlert = try container.decodeIfPresent([String].self, forKey: .onAlert) ?? []
        onDataset = try container.decodeIfPresent([String].self, forKey: .onDataset) ?? []
        datasetPollSeconds = try container.decodeIfPresent(Int.self, forKey: .datasetPollSeconds) ?? 60
        experiment = try container.decodeIfPresent(String.self, forKey: .experiment)
        jobs = try container.decodeIfPresent(Int.self, forKey: .jobs)
        maxConcurrentRuns = try container.decodeIfPresent(Int.self, forKey: .maxConcurrentRuns) ?? 1
    }

    /// Refuses settings that cannot work, with the field named.
    func validate() throws {
        if let schedule { _ = try CronSchedule(parsing: schedule) }
        guard (1...86_400).contains(datasetPollSeconds) else {
            throw KeelError.invalidParameter("dataset_poll_seconds must be between 1 and 86400, got \(datasetPollSeconds).")
        }
        if let jobs, jobs < 1 { throw KeelError.invalidParameter("jobs must be at least 1, got \(jobs).") }
        guard (1...20).contains(maxConcurrentRuns) else {
            throw KeelError.invalidParameter("max_concurrent_runs must be between 1 and 20, got \(maxConcurrentRuns).")
        }
        for deployment in onAlert where deployment.isEmpty { throw KeelError.invalidParameter("on_alert has an empty deployment name.") }
        for path in onDataset where path.isEmpty { throw KeelError.invalidParameter("on_dataset has an empty path.") }
    }
}

/// A pipeline registered with the server: a directory on the server's machine holding `keel.yaml`.
public struct RegisteredPipeline: Sendable, Equatable {
    public var name: String
    /// The absolute path of the pipeline's directory.
    public var directory: String
    public var settings: PipelineSettings
    /// When the schedule fires next (epoch ms), nil without a schedule.
    public var nextScheduledAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// One run of a registered pipeline, from the queue to its end.
public struct PipelineRunRecord: Sendable, Equatable {
    /// Where a run is.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, running, succeeded, failed, cancelled

        /// Whether the run has ended.
        public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    /// What started a run.
    public enum Trigger: String, Sendable, Codable, CaseIterable {
        /// `POST .../runs` or `keel pipelines run`.
        case rest
        /// The cron schedule.
        case schedule
        /// A firing alert on a deployment.
        case alert
        /// New content in a watched dataset.
        case dataset
    }

    public var id: Int64
    public var pipeline: String
    public var status: Status
    public var trigger: Trigger
    /// Which schedule tick, alert or dataset, in words.
    public var triggerDetail: String
    /// Stages asked for (all when empty).
    public var stages: [String]
    public var force: Bool
    /// The pipeline's tracking run, once recorded.
    public var trackingRunID: String?
    /// Per stage, how it ended (once the run has).
    public var result: PipelineResult?
    /// Why it failed or was cancelled, for people.
    public var message: String?
    public var cancelRequested: Bool
    public var createdAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
}

/// `options` of a stored run.
struct PipelineRunOptionsRecord: Codable {
    var stages: [String]
    var force: Bool
}
