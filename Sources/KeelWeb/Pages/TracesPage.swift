import Foundation
import KeelCore
import KeelGenAI
import KeelGovernance
import KeelTracking

extension WebSite {
    /// Traces per page of an experiment's trace list.
    static let tracesPerPage = 50
    /// Spans read for a trace's page; a larger trace is drawn in part and says so.
    static let spansPerTracePage = 2_000

    /// `/ui/experiments/{id}/traces?filter=&page=`: the experiment's GenAI traces, newest first,
    /// filtered with `search_traces`' language.
    public func traces(experimentID idText: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        guard let id = Int64(idText) else { throw KeelError.notFound("No experiment with ID '\(idText)'.") }
        let experiment = try await tracking.experiment(id: id)
        try await viewer.requireRead(.experiment, String(id))
        let filter = query.first("filter") ?? ""
        let pageToken = query.first("page")
        var infos: [[String: Any]] = []
        var next: String?
        var error: String?
        do {
            let page = try await traces.search(
                experimentIDs: [String(id)], filter: filter.isEmpty ? nil : filter, orderBy: ["timestamp_ms DESC"],
                maxResults: Self.tracesPerPage, pageToken: pageToken
            )
            infos = page.traces.compactMap(Self.jsonObject)
            next = page.nextPageToken
        } catch let keel as KeelError where keel.httpStatus == 400 {
            error = keel.message
        }
        struct Row {
            var id: String
            var href: String
            var time: String
            var state: String
            var duration: String
            var request: String
            var response: String
            var feedback: String
        }
        struct Context {
            var chrome: Chrome
            var selfHref: String
            var filter: String
            var error: String?
            var rows: [Row]
            var hasRows: Bool
            var firstHref: String?
            var nextHref: String?
        }
        let selfHref = Href.experiment(id) + "/traces"
        let rows = infos.map { info in
            let traceID = info["trace_id"] as? String ?? ""
            return Row(
                id: traceID, href: Href.trace(traceID), time: (info["request_time"] as? String).map(Self.readableTimestamp) ?? "",
                state: info["state"] as? String ?? "", duration: info["execution_duration"] as? String ?? "",
                request: LineChart.shorten(info["request_preview"] as? String ?? "", to: 100),
                response: LineChart.shorten(info["response_preview"] as? String ?? "", to: 100),
                feedback: Self.feedbackSummary(info["assessments"] as? [[String: Any]] ?? [])
            )
        }
        let context = Context(
            chrome: Chrome(
                title: "Traces of \(experiment.name)", section: .experiments, viewer: viewer,
                trail: [Link(text: "Experiments", href: "/ui/experiments"), Link(text: experiment.name, href: Href.experiment(id))]
            ),
            selfHref: selfHref, filter: filter, error: error, rows: rows, hasRows: !rows.isEmpty,
            firstHref: pageToken == nil ? nil : selfHref + Format.query([("filter", filter)]),
            nextHref: next.map { selfHref + Format.query([("filter", filter), ("page", $0)]) }
        )
        return page(status: error == nil ? 200 : 400, template: "traces", context)
    }

    /// `/ui/traces/{trace_id}`: a trace's spans as a waterfall, each span's inputs, outputs and
    /// attributes, and the feedback people gave.
    public func trace(id traceID: String, viewer: Viewer) async throws -> WebResponse {
        let info = try await traces.info(traceID)
        try await viewer.requireRead(.experiment, String(info.experimentID))
        let experiment = try await tracking.experiment(id: info.experimentID)
        let (texts, more) = try await traces.spans(traceID, after: nil, pageSize: Self.spansPerTracePage)
        let spans = SpanView.treeOrder(texts.compactMap(Self.jsonObject).map(SpanView.init))
        let waterfall = spans.isEmpty ? nil : Waterfall(title: "Spans of trace \(traceID)", spans: spans).svg()
        let rendered = try await traces.renderedInfos([traceID]).first.flatMap { Self.jsonObject($0.json) } ?? [:]
        struct Assessment {
            var name: String
            var value: String
            var source: String
            var rationale: String
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var waterfall: String?
            var partial: String?
            var spans: [SpanView.Row]
            var assessments: [Assessment]
            var hasAssessments: Bool
            var tags: [Pair]
            var hasTags: Bool
        }
        let assessments = (rendered["assessments"] as? [[String: Any]] ?? []).map { item in
            let feedback = item["feedback"] as? [String: Any] ?? item["expectation"] as? [String: Any] ?? [:]
            let source = item["source"] as? [String: Any] ?? [:]
            return Assessment(
                name: item["assessment_name"] as? String ?? "", value: Self.text(of: feedback["value"]),
                source: [source["source_type"] as? String, source["source_id"] as? String].compactMap { $0 }.joined(separator: " "),
                rationale: item["rationale"] as? String ?? ""
            )
        }
        let context = Context(
            chrome: Chrome(
                title: "Trace \(traceID)", section: .experiments, viewer: viewer,
                trail: [
                    Link(text: "Experiments", href: "/ui/experiments"), Link(text: experiment.name, href: Href.experiment(experiment.id)),
                    Link(text: "Traces", href: Href.experiment(experiment.id) + "/traces"),
                ]
            ),
            facts: [
                Fact("State", info.state),
                Fact("Started", Format.time(info.requestTime)),
                Fact("Duration", info.executionDuration.map { Format.number(Double($0)) + " ms" } ?? "–"),
                Fact("Request", info.requestPreview ?? "–"),
                Fact("Response", info.responsePreview ?? "–"),
            ],
            waterfall: waterfall,
            partial: more == nil ? nil : "Only the first \(Self.spansPerTracePage) spans are shown.",
            spans: spans.map(\.row), assessments: assessments, hasAssessments: !assessments.isEmpty,
            tags: info.tags.map { KeyValue(key: $0.key, value: $0.value) }.pairs, hasTags: !info.tags.isEmpty
        )
        return page(template: "trace", context)
    }

    static func jsonObject(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// `2026-11-24T03:45:12.345Z` as pages write times.
    static func readableTimestamp(_ text: String) -> String {
        text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    /// A JSON value as short text: strings as they are, anything else as JSON (so a boolean
    /// reads `true`, not the `1` its NSNumber would print).
    static func text(of value: Any?) -> String {
        switch value {
        case nil: ""
        case let text as String: text
        case let other?:
            (try? JSONSerialization.data(withJSONObject: other, options: [.fragmentsAllowed, .sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// `thumbs 👍 2 👎 1`-like counts of each feedback name, as text.
    static func feedbackSummary(_ assessments: [[String: Any]]) -> String {
        var counts: [String: [String: Int]] = [:]
        for item in assessments {
            guard let name = item["assessment_name"] as? String, let feedback = item["feedback"] as? [String: Any] else { continue }
            counts[name, default: [:]][text(of: feedback["value"]), default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { name, values in
            name + ": " + values.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        }.joined(separator: "; ")
    }
}

/// One span as the trace page shows it.
struct SpanView {
    struct Row {
        var name: String
        var depth: Int
        var indent: String
        var status: String
        var duration: String
        var inputs: String
        var outputs: String
        var attributes: String
    }

    var id: String
    var parent: String?
    var name: String
    var start: Int64
    var end: Int64
    var status: String
    var attributes: [(String, String)]
    var depth = 0

    init(_ json: [String: Any]) {
        id = json["span_id"] as? String ?? ""
        parent = json["parent_span_id"] as? String
        name = json["name"] as? String ?? "?"
        start = (json["start_time_unix_nano"] as? NSNumber)?.int64Value ?? Int64(json["start_time_unix_nano"] as? String ?? "") ?? 0
        end = (json["end_time_unix_nano"] as? NSNumber)?.int64Value ?? Int64(json["end_time_unix_nano"] as? String ?? "") ?? start
        status = ((json["status"] as? [String: Any])?["code"] as? String ?? "STATUS_CODE_UNSET").replacingOccurrences(of: "STATUS_CODE_", with: "")
        attributes = (json["attributes"] as? [[String: Any]] ?? []).map { pair in
            (pair["key"] as? String ?? "", WebSite.text(of: Self.plain(pair["value"])))
        }
    }

    /// An OTLP `AnyValue` in proto JSON (`{"string_value": …}`, `{"kvlist_value": {"values": […]}}`)
    /// as the plain JSON value it stands for, so `{"question": "…"}` reads as written.
    static func plain(_ anyValue: Any?) -> Any? {
        guard let wrapped = anyValue as? [String: Any], let (kind, inner) = wrapped.first else { return anyValue }
        switch kind {
        case "array_value":
            return ((inner as? [String: Any])?["values"] as? [Any] ?? []).map { plain($0) ?? NSNull() }
        case "kvlist_value":
            var object: [String: Any] = [:]
            for entry in (inner as? [String: Any])?["values"] as? [[String: Any]] ?? [] {
                if let key = entry["key"] as? String { object[key] = plain(entry["value"]) ?? NSNull() }
            }
            return object
        case "int_value":
            return (inner as? String).flatMap { Int64($0) }.map { NSNumber(value: $0) } ?? inner
        default:
            return inner
        }
    }

    /// Depth first, each span's children after it in start order, with their depth set; spans
    /// whose parent is missing count as roots.
    static func treeOrder(_ spans: [SpanView]) -> [SpanView] {
        let byParent = Dictionary(grouping: spans) { $0.parent ?? "" }
        let ids = Set(spans.map(\.id))
        var ordered: [SpanView] = []
        var seen: Set<String> = []
        func visit(_ span: SpanView, depth: Int) {
            guard seen.insert(span.id).inserted else { return }
            var placed = span
            placed.depth = depth
            ordered.append(placed)
            for child in (byParent[span.id] ?? []).sorted(by: { $0.start < $1.start }) { visit(child, depth: depth + 1) }
        }
        for root in spans.sorted(by: { $0.start < $1.start }) where root.parent.map({ !ids.contains($0) }) ?? true {
            visit(root, depth: 0)
        }
        return ordered
    }

    func attribute(_ key: String) -> String { attributes.first { $0.0 == key }?.1 ?? "" }

    var row: Row {
        Row(
            name: name, depth: depth, indent: String(repeating: "· ", count: depth), status: status,
            duration: Format.number((Double(end - start) / 1e5).rounded() / 10) + " ms",
            inputs: LineChart.shorten(attribute("mlflow.spanInputs"), to: 300),
            outputs: LineChart.shorten(attribute("mlflow.spanOutputs"), to: 300),
            attributes: attributes.filter { !$0.0.hasPrefix("mlflow.span") && $0.0 != "mlflow.traceRequestId" }
                .map { "\($0.0) = \(LineChart.shorten($0.1, to: 80))" }.joined(separator: "; ")
        )
    }
}

/// Spans as horizontal bars on a shared time axis, children under their parent, indented
/// (give them in ``SpanView/treeOrder(_:)``).
struct Waterfall {
    var title: String
    var spans: [SpanView]

    func svg() -> String {
        let origin = spans.map(\.start).min() ?? 0
        let finish = spans.map(\.end).max() ?? origin
        let total = Double(max(finish - origin, 1))
        let rowHeight = 22.0, labelWidth = 260.0, width = 900.0, top = 28.0
        let height = top + Double(spans.count) * rowHeight + 10
        var svg = Markup.svgOpen(
            title: title, heading: "\(Format.number((total / 1e5).rounded() / 10)) ms in all", width: width, height: height, natural: true
        )
        for (index, span) in spans.enumerated() {
            let y = top + Double(index) * rowHeight
            let x = labelWidth + Double(span.start - origin) / total * (width - labelWidth - 10)
            let barWidth = max(Double(span.end - span.start) / total * (width - labelWidth - 10), 2)
            let color = span.status == "ERROR" ? "#cf222e" : Palette.color(span.depth)
            svg += "<g><title>\(Markup.escape(span.name)): \(Format.number((Double(span.end - span.start) / 1e5).rounded() / 10)) ms, \(Markup.escape(span.status))</title>"
            svg += "<text x=\"\(Markup.coordinate(4 + Double(span.depth) * 12))\" y=\"\(Markup.coordinate(y + 15))\" class=\"tick\">\(Markup.escape(LineChart.shorten(span.name, to: 34)))</text>"
            svg += "<rect x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y + 4))\" width=\"\(Markup.coordinate(barWidth))\" height=\"14\" rx=\"2\" fill=\"\(color)\"/></g>\n"
        }
        return svg + "</svg>"
    }
}
