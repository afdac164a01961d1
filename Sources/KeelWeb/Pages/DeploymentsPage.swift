import KeelCore
import KeelGovernance
import KeelServing

extension WebSite {
    /// Time spans the deployment charts offer, with their bucket width.
    static let trafficWindows: [(name: String, span: Int64, bucket: Int64)] = [
        ("1h", 3_600_000, 60_000), ("6h", 21_600_000, 300_000), ("24h", 86_400_000, 900_000), ("7d", 604_800_000, 3_600_000),
    ]
    /// Inference log records per page of a deployment's page.
    static let logRecordsPerPage = 50

    /// `/ui/deployments`: every deployment the viewer may read, with its model and traffic split.
    public func deployments(viewer: Viewer) async throws -> WebResponse {
        let visible = try await viewer.visibility(.deployment)
        struct Row {
            var name: String
            var href: String
            var model: String
            var modelHref: String
            var state: String
            var policy: String
            var split: [String]
            var updated: String
        }
        struct Context {
            var chrome: Chrome
            var rows: [Row]
            var hasRows: Bool
        }
        let rows = try await deployments.list().filter { visible.contains($0.deployment.name) }.map { state in
            let deployment = state.deployment
            return Row(
                name: deployment.name, href: Href.deployment(deployment.name), model: deployment.modelReference,
                modelHref: Href.modelVersion(deployment.modelName, state.servingVersion ?? deployment.primaryVersion),
                state: state.state.rawValue, policy: deployment.traffic.kind,
                split: Self.split(of: deployment), updated: Format.time(deployment.updatedAt)
            )
        }
        let context = Context(chrome: Chrome(title: "Deployments", section: .deployments, viewer: viewer), rows: rows, hasRows: !rows.isEmpty)
        return page(template: "deployments", context)
    }

    /// `/ui/deployments/{name}?window=&log=`: targets and their traffic, requests, errors and
    /// latency over time per version, the change history and the inference log.
    public func deployment(name: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let state = try await deployments.get(name)
        try await viewer.requireRead(.deployment, name)
        let deployment = state.deployment
        let window = Self.trafficWindows.first { $0.name == query.first("window") } ?? Self.trafficWindows[0]
        let now = Timestamp.nowMillis()
        let buckets = try await inferenceLog.traffic(deployment: name, since: now - window.span, bucketMilliseconds: window.bucket)
        let logPage = try await inferenceLog.records(deployment: name, maxResults: Self.logRecordsPerPage, pageToken: query.first("log"))
        let history = try await deployments.history(name)

        let charts = TrafficCharts(buckets: buckets, start: now - window.span, bucket: window.bucket)
        struct Target {
            var version: Int64
            var href: String
            var role: String
            var share: String
            var state: String
            var workers: String
            var message: String
        }
        struct Event {
            var time: String
            var kind: String
            var version: String
            var detail: String
        }
        struct Record {
            var time: String
            var version: String
            var role: String
            var status: Int
            var failed: Bool
            var latency: String
            var caller: String
            var request: String
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var monitoringHref: String
            var windows: [Choice]
            var targets: [Target]
            var charts: [String]
            var hasTraffic: Bool
            var events: [Event]
            var hasEvents: Bool
            var records: [Record]
            var hasRecords: Bool
            var olderHref: String?
            var newestHref: String?
        }
        let selfHref = Href.deployment(name)
        let context = Context(
            chrome: Chrome(title: name, section: .deployments, viewer: viewer, trail: [Link(text: "Deployments", href: "/ui/deployments")]),
            facts: [
                Fact("Model", deployment.modelReference, href: Href.model(deployment.modelName)),
                Fact("Serving version", String(state.servingVersion ?? deployment.primaryVersion),
                     href: Href.modelVersion(deployment.modelName, state.servingVersion ?? deployment.primaryVersion)),
                Fact("State", state.state.rawValue + (state.message.map { ": \($0)" } ?? "")),
                Fact("Traffic policy", deployment.traffic.kind),
                Fact("Created", Format.time(deployment.createdAt)),
                Fact("Updated", Format.time(deployment.updatedAt)),
            ],
            monitoringHref: selfHref + "/monitoring",
            windows: Self.trafficWindows.map { Choice($0.name, selected: $0.name == window.name) },
            targets: state.targets.map { target in
                Target(
                    version: target.version, href: Href.modelVersion(deployment.modelName, target.version), role: target.role,
                    share: Format.number((deployment.trafficShare(of: target.version) * 1000).rounded() / 10) + " %",
                    state: target.state.rawValue, workers: "\(target.readyWorkers) of \(target.workers) ready",
                    message: target.message ?? ""
                )
            },
            charts: buckets.isEmpty ? [] : charts.svgs(window: window.name),
            hasTraffic: !buckets.isEmpty,
            events: history.suffix(20).reversed().map {
                Event(time: Format.time($0.createdAt), kind: $0.kind, version: $0.version.map(String.init) ?? "", detail: $0.detail)
            },
            hasEvents: !history.isEmpty,
            records: logPage.records.map { record in
                Record(
                    time: Format.time(record.timestampMilliseconds), version: record.modelVersion, role: record.role,
                    status: record.status, failed: record.status >= 400,
                    latency: Format.number((Double(record.latencyMicroseconds) / 100).rounded() / 10) + " ms",
                    caller: record.caller ?? "", request: LineChart.shorten(record.requestBody ?? "", to: 120)
                )
            },
            hasRecords: !logPage.records.isEmpty,
            olderHref: logPage.nextPageToken.map { selfHref + Format.query([("window", window.name), ("log", $0)]) + "#log" },
            newestHref: query.first("log") == nil ? nil : selfHref + Format.query([("window", window.name)]) + "#log"
        )
        return page(template: "deployment", context)
    }

    /// `v3 80 %, v4 20 %` as pills.
    static func split(of deployment: Deployment) -> [String] {
        ([deployment.primaryVersion] + deployment.traffic.versions).map { version in
            let role = deployment.role(of: version)
            let share = Format.number((deployment.trafficShare(of: version) * 1000).rounded() / 10)
            return role == "shadow" ? "v\(version) shadow" : "v\(version) \(share) %"
        }
    }
}

/// Requests, error rate and mean latency per version over a window, as three line charts.
struct TrafficCharts {
    let buckets: [TrafficBucket]
    let start: Int64
    let bucket: Int64

    func svgs(window: String) -> [String] {
        let series = Dictionary(grouping: buckets) { $0.isShadow ? "v\($0.modelVersion) shadow" : "v\($0.modelVersion)" }
        let labels = series.keys.sorted()
        // x is minutes before now, so the axis reads the same for every window.
        func minutes(_ at: Int64) -> Double { Double(at - start) / 60_000 }
        func chart(_ title: String, _ value: (TrafficBucket) -> Double) -> String {
            LineChart(
                title: title, xLabel: "minutes into the last \(window)",
                series: labels.map { label in
                    LineChart.Series(label: label, points: (series[label] ?? []).map { (minutes($0.start), value($0)) })
                }
            ).svg()
        }
        return [
            chart("Requests per \(bucket / 60_000) min") { Double($0.requests) },
            chart("Error rate (%)") { $0.requests > 0 ? Double($0.errors) / Double($0.requests) * 100 : 0 },
            chart("Mean latency (ms)") { $0.meanLatencyMilliseconds },
        ]
    }
}
