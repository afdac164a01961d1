import Foundation
import KeelCore

extension PipelineRunner {
    /// Runs, restores or skips one stage; never throws: a problem is the stage's failure.
    func execute(_ name: String) async -> StageResult {
        let stage = workspace.spec.stage(name)!
        let started = ContinuousClock.now
        var stageRunID: String?
        do {
            let registry = try await registryInputs(stage)
            let workspace = self.workspace
            let plan = try await blocking { try StagePlan(stage: stage, params: workspace.params, directory: workspace.directory, registry: registry) }
            if !plan.missing.isEmpty {
                return failure(name, started, plan.missing.map { "input '\($0)' does not exist\(self.writer(of: $0).map { " (stage '\($0)' writes it)" } ?? "")" })
            }
            let locked = lockedStage(name)
            let reasons = options.force ? ["--force"] : await (try? blocking { plan.staleness(against: locked, directory: workspace.directory) }) ?? ["cannot compare"]
            if reasons.isEmpty, let locked {
                stageRunID = try await recordSkipped(stage, plan: plan, status: .unchanged)
                return StageResult(stage: name, status: .unchanged, seconds: Self.seconds(since: started), reasons: [], runID: stageRunID,
                                   metrics: try await readMetrics(stage), result: locked.result)
            }
            if !options.force, case .command = stage.kind, let key = plan.key,
               let outs = await (try? blocking { workspace.cache.lookUpRun(key) }) ?? nil {
                try await blocking { for out in outs { try workspace.cache.restore(out, in: workspace.directory) } }
                try lockStage(name, PipelineLock.Stage(cmd: plan.fingerprint, deps: plan.deps, params: plan.params, outs: outs))
                stageRunID = try await recordSkipped(stage, plan: plan, status: .restored)
                return StageResult(stage: name, status: .restored, seconds: Self.seconds(since: started), reasons: reasons, runID: stageRunID,
                                   metrics: try await readMetrics(stage))
            }

            var event = PipelineEvent(.stageStarted, stage: name)
            event.kind = stage.kind.name
            event.cmd = stage.summary(params: workspace.params)
            event.reasons = reasons
            emit(event)
            if let services, let run = pipelineRun {
                stageRunID = try await services.startStageRun(pipelineRunID: run.runID, experimentID: run.experimentID, stage: name, tags: stageTags(stage, plan: plan, status: nil))
            }
            let log = try StageLog(url: workspace.logURL(name), stage: name, emit: emit)
            let outcome: StepOutcome
            do {
                outcome = try await perform(stage, plan: plan, log: log, stageRunID: stageRunID)
            } catch {
                if !(error is CancellationError) { log.write("error: \(error)") }
                log.close()
                return await failed(stage, plan: plan, started: started, runID: stageRunID, reasons: ["\(error)"], log: log)
            }
            log.close()
            guard outcome.failures.isEmpty else {
                return await failed(stage, plan: plan, started: started, runID: stageRunID, reasons: outcome.failures, log: log)
            }
            let products = stage.products
            let saved = try await blocking { try products.map { try workspace.cache.save($0, in: workspace.directory) } }
            let outs = saved.map(\.entry)
            try lockStage(name, PipelineLock.Stage(cmd: plan.fingerprint, deps: plan.deps, params: plan.params, outs: outs, result: outcome.result))
            if case .command = stage.kind, let key = plan.key, saved.allSatisfy(\.cached) {
                try await blocking { try workspace.cache.recordRun(key, outs: outs) }
            }
            let metrics = try await readMetrics(stage).merging(outcome.metrics) { _, new in new }
            try await recordRan(stage, plan: plan, runID: stageRunID, metrics: metrics, log: log, succeeded: true, result: outcome.result)
            return StageResult(stage: name, status: .ran, seconds: Self.seconds(since: started), reasons: reasons, runID: stageRunID,
                               metrics: metrics, result: outcome.result)
        } catch is CancellationError {
            return StageResult(stage: name, status: .cancelled, seconds: Self.seconds(since: started), reasons: ["the run was interrupted"], runID: stageRunID, metrics: [:])
        } catch {
            if let stageRunID, let services { try? await services.finishRun(stageRunID, succeeded: false) }
            return failure(name, started, ["\(error)"], runID: stageRunID)
        }
    }

    /// What a stage's step produced: failures (empty when it passed), numbers to log, a result.
    struct StepOutcome {
        var failures: [String] = []
        var metrics: [String: Double] = [:]
        var result: [String: String]?
    }

    /// Runs the stage's step itself: its command or its built-in kind.
    private func perform(_ stage: StageSpec, plan: StagePlan, log: StageLog, stageRunID: String?) async throws -> StepOutcome {
        switch stage.kind {
        case .command:
            return try await runCommand(stage, command: plan.fingerprint, log: log)
        case .validate(let spec):
            return try await BuiltinSteps.validate(spec, workspace: workspace, stage: stage.name, log: log)
        case .gate(let spec):
            return try await BuiltinSteps.gate(spec, champion: try await championMetrics(for: spec), workspace: workspace, stage: stage.name, log: log)
        case .register(let spec):
            guard let services, let stageRunID else { throw KeelError.invalidParameter(Self.needsServer("register a model")) }
            var tags = ["keel.pipeline": workspace.name, "keel.stage": stage.name]
            if let run = pipelineRun { tags["keel.pipeline.run_id"] = run.runID }
            if let model = plan.deps.first(where: { $0.path == spec.model }) { tags["keel.model.sha256"] = model.sha256 }
            return try await BuiltinSteps.register(
                spec, services: services, runID: stageRunID, metrics: try await upstreamMetrics(of: stage), tags: tags, workspace: workspace, log: log
            )
        case .deploy(let spec):
            guard let services else { throw KeelError.invalidParameter(Self.needsServer("deploy a model")) }
            let (model, version) = try registeredVersion(before: stage)
            return try await BuiltinSteps.deploy(spec, model: model, version: version, services: services, log: log)
        }
    }

    /// Runs a command stage: outputs removed first (so a stale one never passes for new), their
    /// folders made, then `/bin/sh -c` in the pipeline's directory.
    private func runCommand(_ stage: StageSpec, command: String, log: StageLog) async throws -> StepOutcome {
        let workspace = self.workspace
        try await blocking {
            for product in stage.products {
                let url = workspace.directory.appendingPathComponent(product)
                if ContentHash.kind(url.path) != nil { try FileManager.default.removeItem(at: url) }
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            }
        }
        var environment = options.environment
        environment["KEEL_STAGE"] = stage.name
        environment["KEEL_PIPELINE"] = workspace.name
        if let run = pipelineRun { environment["KEEL_PIPELINE_RUN_ID"] = run.runID }
        let executor: any CommandExecutor = switch stage.executor ?? workspace.spec.executor {
        case .local: LocalExecutor()
        case .ray: try RayJobExecutor(spec: workspace.spec, environment: environment, stage: stage.name)
        }
        let job = CommandJob(command: command, directory: workspace.directory, environment: environment, pipeline: workspace.name, stage: stage.name)
        let status = try await executor.run(job, log: log)
        guard status == 0 else {
            let tail = log.tail.suffix(5).joined(separator: "\n")
            return StepOutcome(failures: ["the command exited with status \(status)\(tail.isEmpty ? "" : "; its last lines:\n\(tail)")"])
        }
        let missing = stage.products.filter { ContentHash.kind(workspace.directory.appendingPathComponent($0).path) == nil }
        guard missing.isEmpty else {
            return StepOutcome(failures: missing.map { "the command succeeded but did not write '\($0)', which keel.yaml lists as its output" })
        }
        return StepOutcome()
    }

    /// What a built-in step reads from the registry, as run-cache inputs: the champion's
    /// metrics for a gate that uses `prev`, the version a deploy rolls out.
    private func registryInputs(_ stage: StageSpec) async throws -> [String: String] {
        switch stage.kind {
        case .gate(let spec) where spec.conditions.contains(where: { $0.bound.usesPrevious }):
            let compared = Set(spec.conditions.filter(\.bound.usesPrevious).map(\.metric))
            let champion = try await championMetrics(for: spec)?.filter { compared.contains($0.key) }
            return [StagePlan.championKey: StagePlan.championText(champion)]
        case .deploy:
            let (model, version) = try registeredVersion(before: stage)
            return [StagePlan.versionKey: "\(model)/\(version)"]
        default:
            return [:]
        }
    }

    /// The champion's metrics for a gate's `prev`, nil when there is none (or no registry).
    private func championMetrics(for spec: GateSpec) async throws -> [String: Double]? {
        guard let services, spec.conditions.contains(where: { $0.bound.usesPrevious }) else { return nil }
        guard let model = spec.model ?? registerSpecs().first?.name else {
            throw KeelError.invalidParameter("The gate uses 'prev' but names no model and the pipeline has no register stage; set 'model:'.")
        }
        return try await services.championMetrics(model: model, alias: spec.champion)
    }

    /// The version the `register` stage before a deploy stage produced, in this run or a past one.
    private func registeredVersion(before stage: StageSpec) throws -> (String, Int64) {
        guard let (registerStage, spec) = workspace.registerStage(before: stage.name) else {
            throw KeelError.invalidParameter("Stage '\(stage.name)' deploys, but no register stage comes before it; add `after: [<register stage>]`.")
        }
        let result = self.result(of: registerStage)?.result ?? lockedStage(registerStage)?.result
        guard let text = result?["version"], let version = Int64(text) else {
            throw KeelError.invalidParameter("Stage '\(stage.name)' deploys the version stage '\(registerStage)' registers, which has not registered one yet.")
        }
        return (spec.name, version)
    }

    /// Every number the stages before `stage` measured (their metrics files and the metrics
    /// files their gates read), logged on the register stage's run so that a later gate's `prev`
    /// finds them behind the champion version.
    private func upstreamMetrics(of stage: StageSpec) async throws -> [String: Double] {
        let workspace = self.workspace
        let files = workspace.graph.closure(of: stage.name).dropLast().flatMap { name -> [String] in
            let upstream = workspace.spec.stage(name)!
            if case .gate(let gate) = upstream.kind, let metrics = gate.metrics { return upstream.metrics + [metrics] }
            return upstream.metrics
        }
        return try await readMetrics(files)
    }

    private func registerSpecs() -> [RegisterSpec] {
        workspace.spec.stages.compactMap { if case .register(let spec) = $0.kind { spec } else { nil } }
    }

    /// The stage that writes `path`, for error messages.
    nonisolated func writer(of path: String) -> String? {
        workspace.spec.stages.first { $0.products.contains { PipelineGraph.overlaps(path, $0) } }?.name
    }

    /// The numbers in a stage's metrics files.
    func readMetrics(_ stage: StageSpec) async throws -> [String: Double] {
        try await readMetrics(stage.metrics)
    }

    /// The numbers in metrics files of the pipeline (later files win on a name both have).
    private func readMetrics(_ files: [String]) async throws -> [String: Double] {
        let directory = workspace.directory
        return try await blocking {
            var metrics: [String: Double] = [:]
            for file in files {
                metrics.merge(try MetricsFile.read(directory.appendingPathComponent(file), name: file)) { _, new in new }
            }
            return metrics
        }
    }

    private func failure(_ name: String, _ started: ContinuousClock.Instant, _ reasons: [String], runID: String? = nil) -> StageResult {
        StageResult(stage: name, status: .failed, seconds: Self.seconds(since: started), reasons: reasons, runID: runID, metrics: [:])
    }

    private func failed(_ stage: StageSpec, plan: StagePlan, started: ContinuousClock.Instant, runID: String?, reasons: [String], log: StageLog) async -> StageResult {
        if Task.isCancelled {
            if let runID, let services { try? await services.finishRun(runID, succeeded: false) }
            return StageResult(stage: stage.name, status: .cancelled, seconds: Self.seconds(since: started), reasons: ["the run was interrupted"], runID: runID, metrics: [:])
        }
        try? await recordRan(stage, plan: plan, runID: runID, metrics: [:], log: log, succeeded: false, result: nil)
        return failure(stage.name, started, reasons, runID: runID)
    }

    static func needsServer(_ what: String) -> String {
        "This run records nowhere, so it cannot \(what); run it with keel run (embedded store) or --server."
    }
}
