import KeelCore
import KeelGovernance
import KeelTracking

extension WebSite {
    /// How many runs a comparison takes.
    static let comparableRuns = 2...10
    /// Metrics overlaid as charts on the comparison page.
    static let chartsPerComparison = 12
    /// Observations read for the comparison's charts, across runs and metrics.
    static let pointsPerComparison = 400_000

    /// `/ui/compare?runs=a&runs=b…&metric=`: 2 to 10 runs side by side, their metric histories
    /// overlaid, and parallel coordinates from the parameters to `metric`.
    public func compare(_ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        var ids: [String] = []
        for id in query.all("runs") where !ids.contains(id) { ids.append(id) }
        guard Self.comparableRuns.contains(ids.count) else {
            throw KeelError.invalidParameter("Pick 2 to 10 runs to compare; \(ids.count) were given.")
        }
        var runs: [Run] = []
        for id in ids {
            let run = try await tracking.run(id: id)
            try await viewer.requireRead(.experiment, String(run.info.experimentID))
            runs.append(run)
        }
        func name(_ run: Run) -> String { run.info.runName.isEmpty ? String(run.info.runID.prefix(8)) : run.info.runName }

        struct Head {
            var id: String
            var name: String
            var href: String
        }
        struct Value {
            var text: String
            var differs: Bool
        }
        struct Row {
            var key: String
            var differs: Bool
            var cells: [Value]
        }
        func rows(_ keys: [String], _ value: (Run, String) -> String?) -> [Row] {
            keys.map { key in
                let texts = runs.map { value($0, key) ?? "" }
                let differs = Set(texts).count > 1
                return Row(key: key, differs: differs, cells: texts.map { Value(text: $0, differs: differs) })
            }
        }
        let paramKeys = Set(runs.flatMap { $0.params.map(\.key) }).sorted()
        let metricKeys = Set(runs.flatMap { $0.metrics.map(\.key) }).sorted()
        let paramRows = rows(paramKeys) { run, key in run.params.first { $0.key == key }?.value }
        let metricRows = rows(metricKeys) { run, key in run.metrics.first { $0.key == key }.map { Format.number($0.value) } }

        let charted = Array(metricKeys.prefix(Self.chartsPerComparison))
        let (histories, _) = try await tracking.metricHistories(runIDs: ids, keys: charted, limit: Self.pointsPerComparison)
        let charts = charted.map { key in
            LineChart(
                title: key, xLabel: "step",
                series: runs.map { run in
                    LineChart.Series(label: name(run), points: (histories[run.info.runID]?[key] ?? []).map { (Double($0.step), $0.value) })
                }
            ).svg()
        }

        let metric = query.first("metric").flatMap { metricKeys.contains($0) ? $0 : nil } ?? metricKeys.first
        var parallel: String?
        if let metric, !paramKeys.isEmpty {
            parallel = ParallelCoordinates(
                title: "Parameters → \(metric)", parameters: Array(paramKeys.prefix(12)), metric: metric,
                lines: runs.map { run in
                    ParallelCoordinates.Line(
                        label: name(run),
                        values: Dictionary(run.params.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
                        metric: run.metrics.first { $0.key == metric }?.value
                    )
                }
            ).svg()
        }
        struct Context {
            var chrome: Chrome
            var runs: [Head]
            var params: [Row]
            var metrics: [Row]
            var charts: [String]
            var hasParallel: Bool
            var parallel: String?
            var metricChoices: [Choice]
        }
        let experimentIDs = Set(runs.map(\.info.experimentID))
        var trail = [Link(text: "Experiments", href: "/ui/experiments")]
        if experimentIDs.count == 1, let only = experimentIDs.first {
            trail.append(Link(text: try await tracking.experiment(id: only).name, href: Href.experiment(only)))
        }
        let context = Context(
            chrome: Chrome(title: "Comparing \(runs.count) runs", section: .experiments, viewer: viewer, trail: trail),
            runs: runs.map { Head(id: $0.info.runID, name: name($0), href: Href.run($0.info.runID)) },
            params: paramRows, metrics: metricRows, charts: charts,
            hasParallel: parallel != nil, parallel: parallel,
            metricChoices: metricKeys.map { Choice($0, selected: $0 == metric) }
        )
        return page(template: "compare", context)
    }
}
