import Foundation

extension PipelineRunner {
    /// Tags every stage run carries: which pipeline and stage, the run-cache key, how it ended.
    func stageTags(_ stage: StageSpec, plan: StagePlan, status: StageStatus?) -> [String: String] {
        var tags = [
            "keel.pipeline": workspace.name,
            "keel.stage": stage.name,
            "keel.stage.kind": stage.kind.name,
            "keel.stage.cmd": plan.fingerprint,
        ]
        if let key = plan.key { tags["keel.stage.key"] = key }
        if let status { tags["keel.stage.status"] = status.rawValue }
        if let gitCommit { tags["mlflow.source.git.commit"] = gitCommit }
        return tags
    }

    /// Records a stage that did not run (unchanged or restored): its own run, finished at once,
    /// with the same inputs and metrics as when it ran, so every pipeline run shows whole lineage.
    func recordSkipped(_ stage: StageSpec, plan: StagePlan, status: StageStatus) async throws -> String? {
        guard let services, let run = pipelineRun else { return nil }
        let runID = try await services.startStageRun(
            pipelineRunID: run.runID, experimentID: run.experimentID, stage: stage.name, tags: stageTags(stage, plan: plan, status: status)
        )
        let metrics = (try? await readMetrics(stage)) ?? [:]
        try await services.record(StageRecord(
            runID: runID, params: plan.params, metrics: metrics, tags: [:], datasets: datasets(stage, plan: plan), artifacts: []
        ))
        try await services.finishRun(runID, succeeded: true)
        return runID
    }

    /// Records a stage that ran: its params, metrics, inputs by hash, log and report; then ends its run.
    func recordRan(
        _ stage: StageSpec, plan: StagePlan, runID: String?, metrics: [String: Double], log: StageLog, succeeded: Bool, result: [String: String]?
    ) async throws {
        guard let services, let runID else { return }
        var tags = ["keel.stage.status": succeeded ? StageStatus.ran.rawValue : StageStatus.failed.rawValue]
        for (key, value) in result ?? [:] { tags["keel.stage.result.\(key)"] = value }
        var artifacts: [(file: URL, artifactPath: String)] = [(log.url, "keel/\(stage.name).log")]
        let report = workspace.reportURL(stage.name)
        if FileManager.default.fileExists(atPath: report.path) { artifacts.append((report, "keel/\(stage.name)-report.json")) }
        try await services.record(StageRecord(
            runID: runID, params: plan.params, metrics: metrics, tags: tags, datasets: datasets(stage, plan: plan), artifacts: artifacts
        ))
        try await services.finishRun(runID, succeeded: succeeded)
    }

    /// What a stage read, by content hash. A register stage's run also lists what every stage
    /// before it read (as `keel.lock` has it now): that run is the one a registered version links
    /// to, so the version's lineage reaches the exact data files its model came from.
    private func datasets(_ stage: StageSpec, plan: StagePlan) -> [DatasetRecord] {
        var records = plan.deps.map { DatasetRecord(path: $0.path, sha256: $0.sha256, size: $0.size, files: $0.files, stage: stage.name) }
        guard case .register = stage.kind else { return records }
        var seen = Set(records.map { "\($0.path)\t\($0.sha256)" })
        for name in workspace.graph.closure(of: stage.name).dropLast() {
            for dep in lockedStage(name)?.deps ?? [] where seen.insert("\(dep.path)\t\(dep.sha256)").inserted {
                records.append(DatasetRecord(path: dep.path, sha256: dep.sha256, size: dep.size, files: dep.files, stage: name))
            }
        }
        return records
    }
}
