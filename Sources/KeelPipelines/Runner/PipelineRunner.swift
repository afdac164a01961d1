import Foundation
import KeelCore

/// How `keel run` runs a pipeline.
public struct PipelineRunOptions: Sendable {
    /// Stages to run, each with everything it needs; every stage when empty.
    public var targets: [String] = []
    /// Stages that may run at the same time.
    public var jobs: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Run every selected stage, even one that is unchanged or in the run cache.
    public var force = false
    /// The tracking experiment; the pipeline's name when nil.
    public var experiment: String?
    /// The environment commands run with (the caller's by default).
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init() {}
}

/// How one stage ended.
public struct StageResult: Sendable, Equatable, Codable {
    public var stage: String
    public var status: StageStatus
    public var seconds: Double
    /// Why it ran, or what made it fail or stop.
    public var reasons: [String]
    /// Its tracking run, when recorded.
    public var runID: String?
    /// The numbers of its metrics files.
    public var metrics: [String: Double]
    /// A built-in step's result (`version` for `register`).
    public var result: [String: String]?

    enum CodingKeys: String, CodingKey {
        case stage, status, seconds, reasons, runID = "run_id", metrics, result
    }
}

/// How a pipeline run ended.
public struct PipelineResult: Sendable, Equatable, Codable {
    /// Selected stages in run order.
    public var stages: [StageResult]
    /// The pipeline's tracking run, when recorded.
    public var runID: String?
    public var seconds: Double

    /// Whether every selected stage succeeded (ran, restored or unchanged).
    public var succeeded: Bool { stages.allSatisfy(\.status.succeeded) }

    enum CodingKeys: String, CodingKey {
        case stages, runID = "run_id", seconds, succeeded
    }

    public init(stages: [StageResult], runID: String?, seconds: Double) {
        self.stages = stages
        self.runID = runID
        self.seconds = seconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stages = try container.decode([StageResult].self, forKey: .stages)
        runID = try container.decodeIfPresent(String.self, forKey: .runID)
        seconds = try container.decode(Double.self, forKey: .seconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stages, forKey: .stages)
        try container.encodeIfPresent(runID, forKey: .runID)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(succeeded, forKey: .succeeded)
    }
}

/// Runs a pipeline's stages in dependency order, up to `jobs` at a time: a stage starts as soon
/// as every stage it waits for has succeeded; a failure blocks what comes after it while
/// independent stages go on. Unchanged stages are skipped, stages in the run cache restored.
/// `keel.lock` is rewritten after each stage that succeeds, so an interrupted run keeps what it
/// finished.
public actor PipelineRunner {
    let workspace: PipelineWorkspace
    let options: PipelineRunOptions
    let services: (any PipelineServices)?
    let emit: @Sendable (PipelineEvent) -> Void
    var lock = PipelineLock()
    var results: [String: StageResult] = [:]
    var pipelineRun: PipelineRunHandle?
    /// The code commit, for every run's tags (nil outside a git repository).
    var gitCommit: String?

    public init(
        workspace: PipelineWorkspace, options: PipelineRunOptions, services: (any PipelineServices)?,
        emit: @escaping @Sendable (PipelineEvent) -> Void
    ) {
        self.workspace = workspace
        self.options = options
        self.services = services
        self.emit = emit
    }

    /// Runs the selected stages; throws only when the run cannot start (a bad target, the
    /// directory locked by another run, the tracking server unreachable).
    public func run() async throws -> PipelineResult {
        let selected = try workspace.selection(options.targets)
        let directoryLock = try WorkspaceLock(workspace)
        defer { directoryLock.release() }
        lock = try workspace.readLock()
        gitCommit = GitCommit.head(of: workspace.directory)
        let started = ContinuousClock.now
        if let services {
            pipelineRun = try await services.startPipelineRun(pipelineRunStart(selected))
        }
        var event = PipelineEvent(.pipelineStarted)
        event.stages = selected
        event.runID = pipelineRun?.runID
        emit(event)

        await schedule(selected)

        let stages = selected.map { results[$0]! }
        let result = PipelineResult(stages: stages, runID: pipelineRun?.runID, seconds: Self.seconds(since: started))
        if let services, let run = pipelineRun {
            try? await services.finishRun(run.runID, succeeded: result.succeeded)
        }
        var finished = PipelineEvent(.pipelineFinished)
        finished.succeeded = result.succeeded
        finished.seconds = result.seconds
        finished.runID = result.runID
        finished.counts = Dictionary(grouping: stages, by: \.status.rawValue).mapValues(\.count)
        emit(finished)
        return result
    }

    /// Starts each stage once everything it waits for has ended, at most `jobs` at a time.
    private func schedule(_ selected: [String]) async {
        var pending = selected
        await withTaskGroup(of: StageResult.self) { group in
            var running = 0
            for name in takeReady(&pending, selected: Set(selected), free: options.jobs) {
                running += 1
                group.addTask { await self.execute(name) }
            }
            while let result = await group.next() {
                running -= 1
                finish(result)
                for name in takeReady(&pending, selected: Set(selected), free: options.jobs - running) {
                    running += 1
                    group.addTask { await self.execute(name) }
                }
            }
        }
    }

    /// Removes from `pending` and returns up to `free` stages whose upstream has ended well;
    /// stages after a failure are ended as blocked (and after an interruption, as cancelled).
    private func takeReady(_ pending: inout [String], selected: Set<String>, free: Int) -> [String] {
        var ready: [String] = []
        var index = 0
        while index < pending.count {
            let name = pending[index]
            let waits = workspace.graph.upstream[name]!.intersection(selected)
            guard waits.allSatisfy({ results[$0] != nil }) else {
                index += 1
                continue
            }
            if Task.isCancelled {
                pending.remove(at: index)
                finish(StageResult(stage: name, status: .cancelled, seconds: 0, reasons: ["the run was interrupted"], metrics: [:]))
                index = 0
                continue
            }
            if let failed = waits.sorted().first(where: { !results[$0]!.status.succeeded }) {
                pending.remove(at: index)
                let why = results[failed]!.status == .failed ? "stage '\(failed)' failed" : "stage '\(failed)' did not run"
                finish(StageResult(stage: name, status: .blocked, seconds: 0, reasons: [why], metrics: [:]))
                index = 0
                continue
            }
            guard ready.count < free else { break }
            ready.append(pending.remove(at: index))
        }
        return ready
    }

    /// Records a stage's end and reports it.
    private func finish(_ result: StageResult) {
        results[result.stage] = result
        var event = PipelineEvent(.stageFinished, stage: result.stage)
        event.status = result.status
        event.seconds = result.seconds
        event.reasons = result.reasons
        if !result.status.succeeded { event.message = result.reasons.first }
        event.runID = result.runID
        event.result = result.result
        emit(event)
    }

    /// Saves a stage's successful run into `keel.lock` at once.
    func lockStage(_ name: String, _ stage: PipelineLock.Stage) throws {
        lock.stages[name] = stage
        let known = Set(workspace.spec.stages.map(\.name))
        lock.stages = lock.stages.filter { known.contains($0.key) }
        try workspace.writeLock(lock)
    }

    /// The last successful run of `name`, as `keel.lock` has it now.
    func lockedStage(_ name: String) -> PipelineLock.Stage? {
        lock.stages[name]
    }

    /// The result of `name` in this run, if it has ended.
    func result(of name: String) -> StageResult? {
        results[name]
    }

    private func pipelineRunStart(_ selected: [String]) throws -> PipelineRunStart {
        var params: [String: String] = [:]
        for name in selected {
            params.merge(try workspace.params.values(for: workspace.spec.stage(name)!.params, stage: name)) { first, _ in first }
        }
        var tags = ["keel.pipeline": workspace.name, "keel.pipeline.directory": workspace.directory.path]
        if let gitCommit { tags["mlflow.source.git.commit"] = gitCommit }
        tags["mlflow.source.name"] = workspace.directory.appendingPathComponent("keel.yaml").path
        tags["mlflow.source.type"] = "JOB"
        return PipelineRunStart(
            experiment: options.experiment ?? workspace.name,
            runName: "\(workspace.name) \(ISO8601DateFormatter().string(from: Date()))",
            params: params, tags: tags
        )
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
