import Foundation
import KeelCore
import KeelMonitoring
public import KeelStore
public import Logging

/// Pipelines the server runs: registered by directory, started by REST calls, cron schedules,
/// firing alerts and new dataset content, one run at a time per pipeline (others wait in the
/// queue), with history, live events and cancellation.
///
/// Everything lives in the store, so several replicas can share it: each trigger and each
/// queued run is claimed by a conditional update, and a run whose server dies is ended by
/// whichever replica notices its heartbeat stopped.
public actor PipelineService {
    let store: PipelineStore
    let alertFeed: AlertEventFeed
    let logger: Logger
    /// This process, as the owner of the runs it executes.
    let owner = "keel-\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
    /// Runs executing in this process.
    var active: [Int64: Task<Void, Never>] = [:]
    /// When each pipeline's datasets were last checked.
    var datasetChecks: [String: ContinuousClock.Instant] = [:]

    public init(store: any MetadataStore, logger: Logger) {
        self.store = PipelineStore(store: store)
        alertFeed = AlertEventFeed(store: store)
        self.logger = logger
    }

    /// Registers the pipeline in `directory` (on the server's machine) under `name`; its
    /// `keel.yaml` must read and check.
    public func register(name: String, directory: String, settings: PipelineSettings) async throws -> RegisteredPipeline {
        try Self.validate(name: name)
        try settings.validate()
        let workspace = try Self.workspace(directory)
        try Self.checkDatasets(settings, workspace: workspace)
        let now = Timestamp.nowMillis()
        let pipeline = RegisteredPipeline(
            name: name, directory: workspace.directory.path, settings: settings,
            nextScheduledAt: try Self.nextTick(settings.schedule, after: now), createdAt: now, updatedAt: now
        )
        // Alerts and dataset changes from before the registration do not count.
        let cursor = try await alertFeed.latestID()
        try await store.insert(pipeline, alertCursor: cursor)
        _ = try await store.claimDatasetState(name, expected: [:], next: try await Self.datasetHashes(pipeline))
        return pipeline
    }

    /// Changes a pipeline's directory or settings.
    public func update(name: String, directory: String?, settings: PipelineSettings?) async throws -> RegisteredPipeline {
        var pipeline = try await store.pipeline(name)
        if let directory { pipeline.directory = try Self.workspace(directory).directory.path }
        if let settings {
            try settings.validate()
            try Self.checkDatasets(settings, workspace: try Self.workspace(pipeline.directory))
            if settings.schedule != pipeline.settings.schedule {
                pipeline.nextScheduledAt = try Self.nextTick(settings.schedule, after: Timestamp.nowMillis())
            }
            pipeline.settings = settings
        }
        pipeline.updatedAt = Timestamp.nowMillis()
        try await store.update(pipeline)
        return pipeline
    }

    public func pipelines() async throws -> [RegisteredPipeline] {
        try await store.pipelines()
    }

    public func pipeline(_ name: String) async throws -> RegisteredPipeline {
        try await store.pipeline(name)
    }

    /// Deletes a pipeline and its history (refused while a run is queued or running).
    public func delete(_ name: String) async throws {
        try await store.delete(name)
    }

    /// Queues a run; it starts as soon as no other run of the pipeline is running.
    public func trigger(_ name: String, stages: [String], force: Bool, detail: String = "requested through the REST API") async throws -> PipelineRunRecord {
        let pipeline = try await store.pipeline(name)
        _ = try Self.workspace(pipeline.directory).selection(stages)
        return try await store.enqueue(name, trigger: .rest, detail: detail, stages: stages, force: force)
    }

    /// A pipeline's runs, newest first.
    public func runs(_ name: String, limit: Int) async throws -> [PipelineRunRecord] {
        _ = try await store.pipeline(name)
        return try await store.runs(pipeline: name, limit: max(1, min(limit, 1000)))
    }

    /// One run of a pipeline.
    public func run(_ name: String, id: Int64) async throws -> PipelineRunRecord {
        let run = try await store.run(id)
        guard run.pipeline == name else { throw KeelError.notFound("Pipeline '\(name)' has no run \(id).") }
        return run
    }

    /// A run's events (JSON objects, as `keel run --json` prints them) after sequence number `after`.
    public func events(_ name: String, id: Int64, after: Int64, limit: Int) async throws -> [(sequence: Int64, event: String)] {
        _ = try await run(name, id: id)
        return try await store.events(id, after: after, limit: max(1, min(limit, 10_000)))
    }

    /// Cancels a queued run at once, a running one within a second (its commands are stopped).
    public func cancel(_ name: String, id: Int64) async throws -> PipelineRunRecord {
        let run = try await run(name, id: id)
        guard !run.status.isFinal else {
            throw KeelError.invalidParameter("Run \(id) of '\(name)' has already ended (\(run.status.rawValue)).")
        }
        try await store.requestCancel(id)
        active[id]?.cancel()
        return try await store.run(id)
    }

    // MARK: - Checks

    static func validate(name: String) throws {
        guard !name.isEmpty, name.count <= 100,
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0) }),
              name != ".", name != ".." else {
            throw KeelError.invalidParameter("Invalid pipeline name '\(name)': use 1-100 letters, digits, '-', '_' or '.'.")
        }
    }

    static func workspace(_ directory: String) throws -> PipelineWorkspace {
        guard directory.hasPrefix("/") else {
            throw KeelError.invalidParameter("The pipeline directory must be an absolute path on the server's machine, got '\(directory)'.")
        }
        return try PipelineWorkspace(directory: URL(fileURLWithPath: directory))
    }

    /// A watched dataset must be something the pipeline reads, not something it writes: a run
    /// would change it and so start the next run, forever.
    static func checkDatasets(_ settings: PipelineSettings, workspace: PipelineWorkspace) throws {
        for path in settings.onDataset {
            let relative = path.hasPrefix("/") ? String(URL(fileURLWithPath: path).standardizedFileURL.path.dropFirst(workspace.directory.path.count + 1)) : path
            let inside = !path.hasPrefix("/") || URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(workspace.directory.path + "/")
            guard inside, let writer = workspace.spec.stages.first(where: { $0.products.contains { PipelineGraph.overlaps(relative, $0) } }) else { continue }
            throw KeelError.invalidParameter(
                "on_dataset '\(path)' is written by stage '\(writer.name)': each run would start the next. Watch the data the pipeline reads."
            )
        }
    }

    static func nextTick(_ schedule: String?, after millis: Int64) throws -> Int64? {
        guard let schedule else { return nil }
        let next = try CronSchedule(parsing: schedule).next(after: Date(timeIntervalSince1970: Double(millis) / 1000))
        return next.map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    /// The content hash of each watched dataset path ("missing" when it does not exist).
    static func datasetHashes(_ pipeline: RegisteredPipeline) async throws -> [String: String] {
        let paths = pipeline.settings.onDataset
        guard !paths.isEmpty else { return [:] }
        let directory = URL(fileURLWithPath: pipeline.directory)
        return try await blocking {
            var hashes: [String: String] = [:]
            for path in paths {
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
                hashes[path] = ContentHash.kind(url.path) == nil ? "missing" : try ContentHash.of(url).sha256
            }
            return hashes
        }
    }
}
