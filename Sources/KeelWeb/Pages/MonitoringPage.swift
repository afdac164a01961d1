import KeelCore
import KeelGovernance
import KeelMonitoring
import KeelServing

extension WebSite {
    /// Windows the monitoring page offers, with the bucket width of its performance chart.
    static let monitoringWindows: [(name: String, bucket: Int64)] = [
        ("1h", 300_000), ("24h", 3_600_000), ("7d", 86_400_000), ("30d", 86_400_000),
    ]
    /// Columns drawn as histograms; every column is in the table.
    static let histogramsPerPage = 24

    /// `/ui/deployments/{name}/monitoring?window=`: drift per feature with reference and current
    /// histograms, performance from ground truth (and estimated without it) over time, alerts.
    public func monitoring(deployment name: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let state = try await deployments.get(name)
        try await viewer.requireRead(.deployment, name)
        let choice = Self.monitoringWindows.first { $0.name == query.first("window") } ?? Self.monitoringWindows[1]
        let window = try InferenceWindow(query: ["window": choice.name])

        var drift: DriftSection?
        var driftNote: String?
        do {
            drift = DriftSection(try await monitoring.drift(deployment: name, window: window, histograms: true))
        } catch let keel as KeelError where keel.httpStatus < 500 {
            driftNote = keel.message
        }
        var performance: PerformanceSection?
        var performanceNote: String?
        do {
            let report = try await monitoring.performance(deployment: name, window: window, bucketMilliseconds: choice.bucket)
            if report.overall.labelled == 0 && report.overall.estimated.isEmpty {
                performanceNote = "No ground truth has arrived for this window yet (send it with `keel monitor feedback` or POST /api/2.0/keel/feedback)."
            }
            performance = PerformanceSection(report, windowName: choice.name)
        } catch let keel as KeelError where keel.httpStatus < 500 {
            performanceNote = keel.message
        }
        let rules = try await alerts.rules(deployment: name)
        let events = try await alerts.recent(deployment: name, limit: 20)

        struct Rule {
            var id: Int64
            var condition: String
            var window: String
            var state: String
            var firing: Bool
            var lastValue: String
            var evaluated: String
        }
        struct Event {
            var time: String
            var condition: String
            var state: String
            var value: String
        }
        struct Context {
            var chrome: Chrome
            var windows: [Choice]
            var drift: DriftSection?
            var driftNote: String?
            var performance: PerformanceSection?
            var performanceNote: String?
            var rules: [Rule]
            var hasRules: Bool
            var events: [Event]
            var hasEvents: Bool
        }
        let context = Context(
            chrome: Chrome(
                title: "Monitoring \(name)", section: .deployments, viewer: viewer,
                trail: [Link(text: "Deployments", href: "/ui/deployments"), Link(text: name, href: Href.deployment(state.deployment.name))]
            ),
            windows: Self.monitoringWindows.map { Choice($0.name, selected: $0.name == choice.name) },
            drift: drift, driftNote: driftNote, performance: performance, performanceNote: performanceNote,
            rules: rules.map { rule in
                Rule(
                    id: rule.id, condition: rule.condition.description, window: rule.window, state: rule.state.rawValue,
                    firing: rule.state.rawValue == "firing", lastValue: rule.lastValue.map(Format.number) ?? "–",
                    evaluated: Format.time(rule.lastEvaluatedAt)
                )
            },
            hasRules: !rules.isEmpty,
            events: events.map { Event(time: Format.time($0.createdAt), condition: $0.condition, state: $0.state, value: Format.number($0.value)) },
            hasEvents: !events.isEmpty
        )
        return page(template: "monitoring", context)
    }
}

/// The drift part of the monitoring page.
struct DriftSection {
    struct Column {
        var name: String
        var kind: String
        var method: String
        var score: String
        var threshold: String
        var drifted: Bool
    }

    var verdict: String
    var detected: Bool
    var window: String
    var columns: [Column]
    var histograms: [String]
    var skipped: [String]

    init(_ result: WindowDrift) {
        let drift = result.drift
        detected = drift.detected
        verdict = "\(drift.driftedColumns) of \(drift.columns.count) columns drifted "
            + "(\(Format.number((drift.share * 1000).rounded() / 10)) %; the data set counts as drifted from \(Format.number(drift.shareThreshold * 100)) %)."
        window = "\(result.window.requests) requests, \(result.window.rows) rows, from \(Format.time(result.window.start)) to \(Format.time(result.window.end))"
            + (result.window.truncated ? " (the window was cut to its newest requests)" : "")
        columns = drift.columns.map { column in
            Column(
                name: column.column, kind: column.kind == .numerical ? "numeric" : "categorical", method: column.method.displayName,
                score: Format.number(column.score), threshold: Format.number(column.threshold), drifted: column.detected
            )
        }
        histograms = drift.columns.prefix(WebSite.histogramsPerPage).compactMap { column in
            guard let histogram = result.histograms[column.column], !histogram.bars.isEmpty else { return nil }
            return BarChart(
                title: column.column + (column.detected ? " (drifted)" : ""), bins: histogram.bars.map(\.label),
                series: [
                    BarChart.Series(label: "reference", values: histogram.bars.map(\.reference)),
                    BarChart.Series(label: "current window", values: histogram.bars.map(\.current)),
                ],
                valueLabel: "share of rows"
            ).svg()
        }
        skipped = result.skipped.map { "\($0.column): \($0.reason)" }
    }
}

/// The performance part of the monitoring page.
struct PerformanceSection {
    struct Row {
        var version: String
        var role: String
        var predictions: Int
        var labelled: Int
        var metrics: String
        var estimated: String
    }

    var task: String
    var rows: [Row]
    var charts: [String]

    init(_ report: PerformanceReport, windowName: String) {
        task = report.task.rawValue
        func listed(_ values: [String: Double]) -> String {
            values.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.number($0.value))" }.joined(separator: ", ")
        }
        rows = ([report.overall] + report.versions).map { slice in
            Row(
                version: slice.version, role: slice.role, predictions: slice.predictions, labelled: slice.labelled,
                metrics: listed(slice.metrics), estimated: listed(slice.estimated)
            )
        }
        // One chart per metric: each version's measured values, and its estimates beside them.
        let names = Set(report.buckets.flatMap { Array($0.metrics.keys) + Array($0.estimated.keys) }).sorted()
        let start = report.buckets.compactMap(\.start).min() ?? 0
        let byVersion = Dictionary(grouping: report.buckets, by: \.version)
        charts = names.prefix(8).map { name in
            var series: [LineChart.Series] = []
            for version in byVersion.keys.sorted() {
                let slices = byVersion[version] ?? []
                for (label, values) in [("measured", \PerformanceSlice.metrics), ("estimated", \PerformanceSlice.estimated)] {
                    let points = slices.compactMap { slice -> (x: Double, y: Double)? in
                        guard let at = slice.start, let value = slice[keyPath: values][name] else { return nil }
                        return (Double(at - start) / 3_600_000, value)
                    }
                    if !points.isEmpty { series.append(LineChart.Series(label: "v\(version) \(label)", points: points)) }
                }
            }
            return LineChart(title: name, xLabel: "hours into the window", series: series).svg()
        }
    }
}
