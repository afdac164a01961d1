public import Foundation
import KeelCore
import KeelMonitoring

extension PipelineService {
    /// How long a run's owner may stay silent before another replica declares the run abandoned.
    static let abandonAfterMilliseconds: Int64 = 30_000

    /// Runs the triggers and the queue until cancelled: once per `tick`, fires due schedules,
    /// firing alerts and changed datasets, starts queued runs, and passes on cancellations.
    /// `services` gives each run what it records through (the server itself, over loopback).
    public func run(tick: Duration = .seconds(1), services: @escaping @Sendable (URL) -> any PipelineServices) async {
        var lastAbandonCheck = ContinuousClock.now - .seconds(60)
        while !Task.isCancelled {
            do {
                if ContinuousClock.now - lastAbandonCheck > .seconds(10) {
                    lastAbandonCheck = ContinuousClock.now
                    try await store.heartbeat(owner: owner, ids: Array(active.keys))
                    let abandoned = try await store.failAbandoned(staleBefore: Timestamp.nowMillis() - Self.abandonAfterMilliseconds)
                    if abandoned > 0 { logger.warning("ended \(abandoned) pipeline run(s) whose server stopped while they ran") }
                }
                for pipeline in try await store.pipelines() {
                    try await fireSchedule(pipeline)
                    try await fireAlerts(pipeline)
                    try await fireDatasets(pipeline)
                }
                try await startQueued(services: services)
                for id in try await store.cancelRequests(owner: owner) { active[id]?.cancel() }
            } catch {
                logger.error("pipeline scheduler: \(error)")
            }
            try? await Task.sleep(for: tick)
        }
        for task in active.values { task.cancel() }
        for task in active.values { await task.value }
    }

    private func fireSchedule(_ pipeline: RegisteredPipeline) async throws {
        guard let schedule = pipeline.settings.schedule, let due = pipeline.nextScheduledAt, due <= Timestamp.nowMillis() else { return }
        // Missed ticks (the server was down) fire once, not once per tick missed.
        let next = try Self.nextTick(schedule, after: Timestamp.nowMillis())
        guard try await store.claimScheduleTick(pipeline.name, expected: due, next: next) else { return }
        let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(due) / 1000))
        let run = try await store.enqueue(pipeline.name, trigger: .schedule, detail: "schedule '\(schedule)' at \(when)", stages: [], force: false)
        logger.info("pipeline \(pipeline.name): run \(run.id) queued by its schedule")
    }

    private func fireAlerts(_ pipeline: RegisteredPipeline) async throws {
        guard !pipeline.settings.onAlert.isEmpty else { return }
        let cursor = try await store.alertCursor(pipeline.name)
        let events = try await alertFeed.events(after: cursor, limit: 100)
        guard let last = events.last else { return }
        let watched = Set(pipeline.settings.onAlert)
        let firing = events.filter { $0.state == "firing" && watched.contains($0.deployment) }
        guard try await store.claimAlerts(pipeline.name, expected: cursor, next: last.id), !firing.isEmpty else { return }
        // A burst of alerts starts one retraining run, naming them all.
        let detail = firing.map { "alert on '\($0.deployment)': \($0.condition) fired (\($0.metric) = \($0.value), rule \($0.ruleID), event \($0.id))" }
            .joined(separator: "; ")
        let run = try await store.enqueue(pipeline.name, trigger: .alert, detail: detail, stages: [], force: false)
        logger.info("pipeline \(pipeline.name): run \(run.id) queued by \(firing.count) firing alert(s)")
    }

    private func fireDatasets(_ pipeline: RegisteredPipeline) async throws {
        guard !pipeline.settings.onDataset.isEmpty else { return }
        let interval = Duration.seconds(pipeline.settings.datasetPollSeconds)
        if let last = datasetChecks[pipeline.name], ContinuousClock.now - last < interval { return }
        datasetChecks[pipeline.name] = ContinuousClock.now
        let before = try await store.datasetState(pipeline.name)
        let now = try await Self.datasetHashes(pipeline)
        let changed = now.keys.sorted().filter { before[$0] != nil && before[$0] != now[$0] && now[$0] != "missing" }
        guard now != before, try await store.claimDatasetState(pipeline.name, expected: before, next: now), !changed.isEmpty else { return }
        let detail = changed.map { "dataset '\($0)' has new content (sha256 \(before[$0]!.prefix(12)) → \(now[$0]!.prefix(12)))" }.joined(separator: "; ")
        let run = try await store.enqueue(pipeline.name, trigger: .dataset, detail: detail, stages: [], force: false)
        logger.info("pipeline \(pipeline.name): run \(run.id) queued by new dataset content")
    }

    /// Starts queued runs of pipelines that have no run running (oldest first).
    private func startQueued(services: @escaping @Sendable (URL) -> any PipelineServices) async throws {
        let queued = try await store.runs(pipeline: nil, statuses: [.queued], limit: 100, oldestFirst: true)
        guard !queued.isEmpty else { return }
        var running: [String: Int] = [:]
        for run in try await store.runs(pipeline: nil, statuses: [.running], limit: 1000) { running[run.pipeline, default: 0] += 1 }
        var limits: [String: Int] = [:]
        for run in queued {
            if limits[run.pipeline] == nil { limits[run.pipeline] = (try? await store.pipeline(run.pipeline))?.settings.maxConcurrentRuns ?? 1 }
            let alreadyRunning = running[run.pipeline, default: 0]
            guard alreadyRunning < limits[run.pipeline]! else { continue }
            guard try await store.claim(run.id, owner: owner) else { continue }
            running[run.pipeline] = alreadyRunning + 1
            let isolated = alreadyRunning > 0
            active[run.id] = Task { await self.execute(run, isolated: isolated, services: services) }
        }
    }

    /// Executes one claimed run to its end and records how it ended.
    /// `isolated`: another run of the pipeline is going on, so this one works in a copy.
    private func execute(_ run: PipelineRunRecord, isolated: Bool, services: @escaping @Sendable (URL) -> any PipelineServices) async {
        let events = PipelineEventLog(runID: run.id, store: store, logger: logger)
        let flusher = Task {
            while (try? await Task.sleep(for: .milliseconds(250))) != nil {
                await events.flush()
            }
        }
        var status = PipelineRunRecord.Status.failed
        var result: PipelineResult?
        var message: String?
        var scratch: URL?
        do {
            let pipeline = try await store.pipeline(run.pipeline)
            var workspace = try Self.workspace(pipeline.directory)
            if isolated {
                let original = workspace
                let parent = FileManager.default.temporaryDirectory.appendingPathComponent("keel-pipeline-runs/\(pipeline.name)-\(run.id)")
                scratch = parent
                workspace = try await blocking { try original.isolatedCopy(in: parent) }
                events.record(Self.note("another run of this pipeline is going on: this one runs in a copy at \(workspace.directory.path), sharing the cache"))
            }
            var options = PipelineRunOptions()
            options.targets = run.stages
            options.force = run.force
            options.experiment = pipeline.settings.experiment ?? pipeline.name
            if let jobs = pipeline.settings.jobs { options.jobs = jobs }
            let runner = PipelineRunner(workspace: workspace, options: options, services: services(workspace.directory), emit: events.record)
            let outcome = try await runner.run()
            result = outcome
            if outcome.succeeded {
                status = .succeeded
            } else if outcome.stages.contains(where: { $0.status == .cancelled }) {
                status = .cancelled
                message = "cancelled while it ran"
            } else {
                let failed = outcome.stages.filter { $0.status == .failed }
                message = failed.map { "stage '\($0.stage)' failed: \($0.reasons.first ?? "")" }.joined(separator: "; ")
            }
        } catch {
            message = "\(error)"
            if Task.isCancelled { status = .cancelled }
        }
        // The last batch is written after the flusher's own write has ended, so the run is
        // marked ended only once all its events are stored.
        flusher.cancel()
        await flusher.value
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
        // A cancelled run's task is cancelled too, and PostgreSQL's driver refuses to work for a
        // cancelled task: the last events and the run's end are written from a task of their own.
        let (store, logger, id) = (self.store, self.logger, run.id)
        let (finalStatus, finalResult, finalMessage) = (status, result, message)
        await Task.detached {
            await events.flush()
            do {
                try await store.finish(id, status: finalStatus, result: finalResult, message: finalMessage)
            } catch {
                logger.error("pipeline run \(id): cannot record its end: \(error)")
            }
        }.value
        logger.info("pipeline \(run.pipeline): run \(run.id) \(status.rawValue)\(message.map { ": \($0)" } ?? "")")
        active[run.id] = nil
    }

    /// A line in a run's log from the scheduler itself.
    static func note(_ text: String) -> PipelineEvent {
        var event = PipelineEvent(.stageOutput, stage: "keel")
        event.message = text
        return event
    }
}
