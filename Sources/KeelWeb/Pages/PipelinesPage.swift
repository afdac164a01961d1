import Foundation
import KeelCore
import KeelGovernance
import KeelPipelines
import NIOPosix

extension WebSite {
    /// Runs listed on a pipeline's page, newest first.
    static let pipelineRunsPerPage = 50
    /// Progress events read for a run's log.
    static let pipelineLogEvents = 5_000

    /// `/ui/pipelines`: registered pipelines with their schedule and latest run.
    public func pipelines(viewer: Viewer) async throws -> WebResponse {
        let visible = try await viewer.visibility(.pipeline)
        struct Row {
            var name: String
            var href: String
            var directory: String
            var schedule: String
            var next: String
            var lastStatus: String
            var lastRun: String
        }
        struct Context {
            var chrome: Chrome
            var rows: [Row]
            var hasRows: Bool
        }
        var rows: [Row] = []
        for pipeline in try await pipelines.pipelines() where visible.contains(pipeline.name) {
            let last = try await pipelines.runs(pipeline.name, limit: 1).first
            rows.append(Row(
                name: pipeline.name, href: Href.pipeline(pipeline.name), directory: pipeline.directory,
                schedule: pipeline.settings.schedule ?? "–", next: Format.time(pipeline.nextScheduledAt),
                lastStatus: last?.status.rawValue ?? "never run", lastRun: Format.time(last?.createdAt)
            ))
        }
        let context = Context(chrome: Chrome(title: "Pipelines", section: .pipelines, viewer: viewer), rows: rows, hasRows: !rows.isEmpty)
        return page(template: "pipelines", context)
    }

    /// `/ui/pipelines/{name}?run=`: the stage graph coloured by one run (the newest by default),
    /// that run's stages and log, and the run history.
    public func pipeline(name: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let pipeline = try await pipelines.pipeline(name)
        try await viewer.requireRead(.pipeline, name)
        let runs = try await pipelines.runs(name, limit: Self.pipelineRunsPerPage)
        let selected: PipelineRunRecord?
        if let text = query.first("run") {
            guard let id = Int64(text) else { throw KeelError.notFound("Pipeline '\(name)' has no run '\(text)'.") }
            selected = try await pipelines.run(name, id: id)
        } else {
            selected = runs.first
        }
        let results = Dictionary((selected?.result?.stages ?? []).map { ($0.stage, $0) }, uniquingKeysWith: { first, _ in first })

        // The graph comes from the pipeline's keel.yaml, read off the event loop.
        var graph: String?
        var graphNote: String?
        do {
            let directory = URL(fileURLWithPath: pipeline.directory)
            let workspace = try await NIOThreadPool.singleton.runIfActive { try PipelineWorkspace(directory: directory) }
            graph = StageGraph(
                title: "Stages of \(name)",
                stages: workspace.graph.order.map { stage in
                    let result = results[stage]
                    return StageGraph.Stage(name: stage, status: result?.status.rawValue, detail: result.map { Format.number(($0.seconds * 10).rounded() / 10) + " s" } ?? "")
                },
                upstream: workspace.graph.upstream
            ).svg()
        } catch let keel as KeelError {
            graphNote = keel.message
        }
        var log: [String] = []
        if let selected {
            for (_, line) in try await pipelines.events(name, id: selected.id, after: 0, limit: Self.pipelineLogEvents) {
                log.append(Self.logLine(line))
            }
        }
        struct Stage {
            var name: String
            var status: String
            var seconds: String
            var reasons: String
            var runHref: String?
            var metrics: String
        }
        struct Run {
            var id: Int64
            var href: String
            var status: String
            var trigger: String
            var created: String
            var duration: String
            var cacheHits: String
            var selected: Bool
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var graph: String?
            var graphNote: String?
            var selectedTitle: String?
            var stages: [Stage]
            var hasStages: Bool
            var log: String
            var hasLog: Bool
            var runs: [Run]
            var hasRuns: Bool
        }
        let context = Context(
            chrome: Chrome(title: name, section: .pipelines, viewer: viewer, trail: [Link(text: "Pipelines", href: "/ui/pipelines")]),
            facts: [
                Fact("Directory", pipeline.directory),
                Fact("Schedule", pipeline.settings.schedule ?? "none"),
                Fact("Next scheduled run", Format.time(pipeline.nextScheduledAt)),
                Fact("Runs on alerts", pipeline.settings.onAlert.isEmpty ? "–" : pipeline.settings.onAlert.joined(separator: ", ")),
                Fact("Experiment", pipeline.settings.experiment ?? "–"),
            ],
            graph: graph, graphNote: graphNote,
            selectedTitle: selected.map { "Run \($0.id): \($0.status.rawValue), \($0.trigger.rawValue) (\($0.triggerDetail))" + ($0.message.map { ": \($0)" } ?? "") },
            stages: (selected?.result?.stages ?? []).map { stage in
                Stage(
                    name: stage.stage, status: stage.status.rawValue, seconds: Format.number((stage.seconds * 100).rounded() / 100),
                    reasons: stage.reasons.joined(separator: "; "), runHref: stage.runID.map(Href.run),
                    metrics: stage.metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.number($0.value))" }.joined(separator: ", ")
                )
            },
            hasStages: !(selected?.result?.stages ?? []).isEmpty,
            log: log.joined(separator: "\n"), hasLog: !log.isEmpty,
            runs: runs.map { run in
                let stages = run.result?.stages ?? []
                let hits = stages.filter { $0.status == .restored || $0.status == .unchanged }.count
                return Run(
                    id: run.id, href: Href.pipeline(name) + Format.query([("run", String(run.id))]), status: run.status.rawValue,
                    trigger: run.trigger.rawValue, created: Format.time(run.createdAt),
                    duration: Format.duration(from: run.startedAt, to: run.endedAt),
                    cacheHits: stages.isEmpty ? "" : "\(hits) of \(stages.count)", selected: run.id == selected?.id
                )
            },
            hasRuns: !runs.isEmpty
        )
        return page(template: "pipeline", context)
    }

    /// One progress event as a log line: a stage's output as it printed it, anything else as
    /// `[stage] event: message`.
    static func logLine(_ json: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return json }
        let event = object["event"] as? String ?? "?"
        let stage = (object["stage"] as? String).map { "[\($0)] " } ?? ""
        if event == "stage_output", let message = object["message"] as? String { return stage + message }
        let status = (object["status"] as? String).map { " \($0)" } ?? ""
        let message = (object["message"] as? String).map { ": \($0)" } ?? ""
        return "\(stage)\(event.replacingOccurrences(of: "_", with: " "))\(status)\(message)"
    }
}
