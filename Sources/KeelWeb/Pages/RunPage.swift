import KeelCore
import KeelGovernance
import KeelTracking

extension WebSite {
    /// Metrics drawn as history charts on a run page; more are listed but not drawn.
    static let chartsPerRun = 24
    /// Observations read for a run page's charts, across its metrics.
    static let pointsPerRunPage = 200_000

    /// `/ui/runs/{id}?path=`: a run's facts, metrics with history charts, parameters, datasets,
    /// tags, and its artifacts (the folder or file at `path`, previewed when it is text or an image).
    public func run(id: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let run = try await tracking.run(id: id)
        try await viewer.requireRead(.experiment, String(run.info.experimentID))
        let experiment = try await tracking.experiment(id: run.info.experimentID)

        let charted = run.metrics.map(\.key).sorted().prefix(Self.chartsPerRun)
        let (histories, truncated) = try await tracking.metricHistories(
            runIDs: [id], keys: Array(charted), limit: Self.pointsPerRunPage
        )
        let charts = charted.compactMap { key -> String? in
            guard let history = histories[id]?[key], history.count > 1 else { return nil }
            return LineChart(
                title: key, xLabel: "step",
                series: [LineChart.Series(label: key, points: history.map { (Double($0.step), $0.value) })]
            ).svg()
        }
        var capped: [String] = []
        if run.metrics.count > Self.chartsPerRun { capped.append("Charts show the first \(Self.chartsPerRun) metrics by name.") }
        if truncated { capped.append("Histories are cut at \(Self.pointsPerRunPage) observations in all.") }

        struct MetricRow {
            var key: String
            var value: String
            var step: Int64
            var time: String
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var metrics: [MetricRow]
            var hasMetrics: Bool
            var charts: [String]
            var chartsCapped: String?
            var params: [Pair]
            var hasParams: Bool
            var datasets: [DatasetRow]
            var hasDatasets: Bool
            var tags: [Pair]
            var hasTags: Bool
            var artifacts: ArtifactBrowser
        }
        let info = run.info
        var facts = [
            Fact("Run ID", info.runID),
            Fact("Experiment", experiment.name, href: Href.experiment(experiment.id)),
            Fact("Status", info.status.rawValue),
            Fact("Started", Format.time(info.startTime)),
            Fact("Duration", Format.duration(from: info.startTime, to: info.endTime)),
            Fact("User", info.userID),
        ]
        if let parent = run.tags.first(where: { $0.key == "mlflow.parentRunId" })?.value {
            facts.append(Fact("Parent run", parent, href: Href.run(parent)))
        }
        if let note = run.tags.first(where: { $0.key == "mlflow.note.content" })?.value { facts.append(Fact("Description", note)) }
        let context = Context(
            chrome: Chrome(
                title: info.runName.isEmpty ? info.runID : info.runName, section: .experiments, viewer: viewer,
                trail: [Link(text: "Experiments", href: "/ui/experiments"), Link(text: experiment.name, href: Href.experiment(experiment.id))]
            ),
            facts: facts,
            metrics: run.metrics.sorted { $0.key < $1.key }.map {
                MetricRow(key: $0.key, value: Format.number($0.value), step: $0.step, time: Format.time($0.timestamp))
            },
            hasMetrics: !run.metrics.isEmpty, charts: charts,
            chartsCapped: capped.isEmpty ? nil : capped.joined(separator: " "),
            params: run.params.pairs, hasParams: !run.params.isEmpty,
            datasets: run.inputs.datasetInputs.map(DatasetRow.init), hasDatasets: !run.inputs.datasetInputs.isEmpty,
            tags: run.tags.pairs, hasTags: !run.tags.isEmpty,
            artifacts: try await artifactBrowser(run: info, path: query.first("path") ?? "")
        )
        return page(template: "run", context)
    }

    /// `/ui/runs/{id}/artifact?path=`: one artifact file of the run, streamed. Raster images
    /// may show inline (the run page's preview); everything else downloads, so an HTML or SVG
    /// artifact never runs script in the site's origin.
    public func runArtifact(id: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let run = try await tracking.run(id: id)
        try await viewer.requireRead(.experiment, String(run.info.experimentID))
        guard let root = ArtifactBrowser.root(of: run.info.artifactURI) else {
            throw KeelError.notFound("This run's artifacts are stored outside Keel (\(run.info.artifactURI)).")
        }
        let path = try ArtifactBrowser.resolve(query.first("path") ?? "", under: root)
        guard case .file(let size) = try await artifacts.kind(of: path) else {
            throw KeelError.notFound("The run has no artifact file '\(query.first("path") ?? "")'.")
        }
        let name = path.lastComponent
        let image = ArtifactBrowser.imageType(of: name)
        return .artifact(path: path, size: size, contentType: image ?? "application/octet-stream", filename: name, inline: image != nil)
    }
}
