import KeelCore
import KeelGovernance
import KeelRegistry
import KeelTracking

extension WebSite {
    /// `/ui/models/{name}/versions/{version}`: one version, and its lineage drawn from the data
    /// through the training run to the deployments serving it.
    public func modelVersion(name: String, version versionText: String, viewer: Viewer) async throws -> WebResponse {
        guard let number = Int64(versionText) else { throw KeelError.notFound("Model '\(name)' has no version '\(versionText)'.") }
        try await viewer.requireRead(.registeredModel, name)
        let lineage = try await lineage.lineage(name: name, version: number)
        let version = lineage.version
        // The run belongs to an experiment the viewer may not read: show the version, not the run.
        var run = lineage.run
        if let experimentID = run?.info.experimentID, !(try await viewer.canRead(.experiment, String(experimentID))) { run = nil }
        let datasets = run == nil ? [] : lineage.datasets

        var columns: [LineageGraph.Column] = []
        if !datasets.isEmpty {
            columns.append(LineageGraph.Column(heading: "Data", nodes: datasets.map {
                LineageGraph.Node(title: $0.dataset.name, subtitle: "digest \($0.dataset.digest.prefix(12))", href: nil)
            }))
        }
        if let run {
            columns.append(LineageGraph.Column(heading: "Training run", nodes: [LineageGraph.Node(
                title: run.info.runName.isEmpty ? run.info.runID : run.info.runName, subtitle: run.info.status.rawValue, href: Href.run(run.info.runID)
            )]))
        }
        columns.append(LineageGraph.Column(heading: "Model version", nodes: [LineageGraph.Node(
            title: "\(name) v\(number)", subtitle: version.aliases.isEmpty ? version.currentStage.rawValue : version.aliases.sorted().joined(separator: ", "),
            href: nil
        )]))
        if !lineage.deployments.isEmpty {
            columns.append(LineageGraph.Column(heading: "Serving", nodes: lineage.deployments.map {
                LineageGraph.Node(title: $0.name, subtitle: "\($0.role), \(Format.number(($0.trafficShare * 100).rounded()))% of traffic", href: nil)
            }))
        }
        let graph = LineageGraph(title: "Lineage of \(name) version \(number)", columns: columns).svg()

        struct Deployment {
            var name: String
            var role: String
            var share: String
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var description: String?
            var cardHref: String
            var lineage: String
            var datasets: [DatasetRow]
            var hasDatasets: Bool
            var deployments: [Deployment]
            var hasDeployments: Bool
            var code: [Fact]
            var hasCode: Bool
            var metrics: [Pair]
            var hasMetrics: Bool
            var params: [Pair]
            var hasParams: Bool
            var tags: [Pair]
            var hasTags: Bool
        }
        var facts = [
            Fact("Model", name, href: Href.model(name)),
            Fact("Version", String(number)),
            Fact("Stage", version.currentStage.rawValue),
            Fact("Aliases", version.aliases.isEmpty ? "–" : version.aliases.sorted().joined(separator: ", ")),
            Fact("Status", version.status),
            Fact("Created", Format.time(version.creationTimestamp)),
            Fact("Source", version.source),
        ]
        if let run { facts.append(Fact("Training run", run.info.runID, href: Href.run(run.info.runID))) }
        if let modelID = version.modelID { facts.append(Fact("Logged model", modelID)) }
        let code = run == nil ? [] : [
            ("Git commit", lineage.code.gitCommit), ("Repository", lineage.code.gitRepoURL), ("Branch", lineage.code.gitBranch),
            ("Entry point", lineage.code.sourceName), ("Source type", lineage.code.sourceType),
        ].compactMap { label, value in value.map { Fact(label, $0) } }
        let context = Context(
            chrome: Chrome(
                title: "\(name) version \(number)", section: .models, viewer: viewer,
                trail: [Link(text: "Models", href: "/ui/models"), Link(text: name, href: Href.model(name))]
            ),
            facts: facts,
            description: version.description.flatMap { $0.isEmpty ? nil : $0 },
            cardHref: Href.modelVersion(name, number) + "/card",
            lineage: graph,
            datasets: datasets.map(DatasetRow.init), hasDatasets: !datasets.isEmpty,
            deployments: lineage.deployments.map {
                Deployment(name: $0.name, role: $0.role, share: Format.number(($0.trafficShare * 1000).rounded() / 10) + " %")
            },
            hasDeployments: !lineage.deployments.isEmpty,
            code: code, hasCode: !code.isEmpty,
            metrics: (run?.metrics ?? []).sorted { $0.key < $1.key }.map { Pair(key: $0.key, value: Format.number($0.value)) },
            hasMetrics: !(run?.metrics.isEmpty ?? true),
            params: run?.params.pairs ?? [], hasParams: !(run?.params.isEmpty ?? true),
            tags: version.tags.pairs, hasTags: !version.tags.isEmpty
        )
        return page(template: "model-version", context)
    }
}
