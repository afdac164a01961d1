import Foundation
import KeelMonitoring

/// `keel monitor report --html`: one self-contained page (no scripts, fonts or network) with the
/// drift table, reference vs current histograms, performance over time and alerts.
enum MonitorReportHTML {
    static func render(_ report: MonitorReport) -> String {
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keel monitoring: \(escape(report.deployment))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
            table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
            .drift,.firing{color:#b00020;font-weight:600}.ok,.resolved{color:#2e7d32}.chart{margin:1.5em 0}
            .legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
            </style></head><body>
            <h1>Monitoring report: \(escape(report.deployment))</h1>
            <p>Window: \(escape(windowText(report.window))). Generated \(escape(ISO8601DateFormatter().string(from: report.generatedAt))).</p>
            """
        html += driftSection(report)
        html += performanceSection(report.performance)
        html += alertsSection(report.alerts)
        return html + "</body></html>\n"
    }

    static func windowText(_ window: [String: String]) -> String {
        window.isEmpty ? "last 24h" : window.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    static func driftSection(_ report: MonitorReport) -> String {
        guard let drift = report.drift else {
            return "<h2>Drift</h2><p>Not available: \(escape(report.driftProblem ?? "unknown"))</p>"
        }
        let dataset = drift["dataset"] as? [String: Any] ?? [:]
        let detected = dataset["dataset_drift"] as? Bool ?? false
        let share = (dataset["share_of_drifted_columns"] as? NSNumber)?.doubleValue ?? 0
        let window = drift["window"] as? [String: Any] ?? [:]
        var html = "<h2>Drift</h2><p>" + (detected ? "<span class=\"drift\">Data drift detected</span>" : "<span class=\"ok\">No data drift</span>")
            + ": \(dataset["number_of_drifted_columns"] ?? 0) of \(dataset["number_of_columns"] ?? 0) columns drifted (\(DriftHTML.percent(share))). "
            + "\(window["requests"] ?? 0) requests, \(window["rows"] ?? 0) rows.</p>"
        let columns = drift["columns"] as? [[String: Any]] ?? []
        html += "<table><tr><th>Column</th><th>Type</th><th>Test</th><th>Score</th><th>Threshold</th><th>Drift</th></tr>"
        for column in columns {
            let name = escape(JSONValue.text(column["column"]))
            let drifted = column["drift_detected"] as? Bool ?? false
            html += "<tr><td><a href=\"#col-\(name)\">\(name)</a></td><td>\(escape(JSONValue.text(column["column_type"])))</td>"
                + "<td>\(escape(JSONValue.text(column["stattest_name"])))</td><td>\(MonitorOutput.number(column["drift_score"]))</td>"
                + "<td>\(MonitorOutput.number(column["threshold"]))</td>"
                + (drifted ? "<td class=\"drift\">drift</td>" : "<td class=\"ok\">no</td>") + "</tr>"
        }
        html += "</table><p class=\"legend\"><span style=\"background:#4e79a7\"></span>reference<span style=\"background:#f28e2b\"></span>current</p>"
        for column in columns {
            let bars = (column["histogram"] as? [[String: Any]] ?? []).map {
                DriftHistogram.Bar(
                    label: JSONValue.text($0["label"]), reference: ($0["reference"] as? NSNumber)?.doubleValue ?? 0,
                    current: ($0["current"] as? NSNumber)?.doubleValue ?? 0
                )
            }
            let name = escape(JSONValue.text(column["column"]))
            html += "<div class=\"chart\" id=\"col-\(name)\"><h3>\(name)</h3>\(DriftHTML.chart(bars))</div>"
        }
        return html
    }

    static func performanceSection(_ performance: [String: Any]) -> String {
        let regression = performance["task"] as? String == "regression"
        let names = regression ? MonitorOutput.regressionMetrics : MonitorOutput.classificationMetrics
        var html = "<h2>Performance</h2><table><tr><th>Version</th><th>Role</th><th>Predictions</th><th>Labelled</th>"
            + names.map { "<th>\($0)</th>" }.joined() + (regression ? "" : "<th>estimated accuracy</th>") + "</tr>"
        let slices = (performance["versions"] as? [[String: Any]] ?? []) + [performance["overall"] as? [String: Any] ?? [:]]
        for slice in slices {
            let metrics = slice["metrics"] as? [String: Any] ?? [:]
            let estimated = slice["estimated"] as? [String: Any] ?? [:]
            html += "<tr><td>\(escape(JSONValue.text(slice["version"])))</td><td>\(escape(JSONValue.text(slice["role"])))</td>"
                + "<td>\(JSONValue.text(slice["predictions"]))</td><td>\(JSONValue.text(slice["labelled"]))</td>"
                + names.map { "<td>\(metrics[$0].map { MonitorOutput.number($0) } ?? "-")</td>" }.joined()
                + (regression ? "" : "<td>\(estimated["accuracy"].map { MonitorOutput.number($0) } ?? "-")</td>") + "</tr>"
        }
        html += "</table>"
        let metric = regression ? "rmse" : "accuracy"
        let buckets = performance["buckets"] as? [[String: Any]] ?? []
        html += "<h3>\(metric) over time</h3>" + LineChart.render(series: series(buckets, metric: metric, estimated: !regression))
        return html
    }

    /// One line per version (real values) and, for classifiers, a dashed one per version (estimated).
    static func series(_ buckets: [[String: Any]], metric: String, estimated: Bool) -> [LineChart.Series] {
        var real: [String: [(Double, Double)]] = [:]
        var guessed: [String: [(Double, Double)]] = [:]
        for bucket in buckets {
            guard let start = (bucket["start"] as? NSNumber)?.doubleValue else { continue }
            let version = JSONValue.text(bucket["version"])
            if let value = ((bucket["metrics"] as? [String: Any])?[metric] as? NSNumber)?.doubleValue { real[version, default: []].append((start, value)) }
            if estimated, let value = ((bucket["estimated"] as? [String: Any])?[metric] as? NSNumber)?.doubleValue {
                guessed[version, default: []].append((start, value))
            }
        }
        return real.keys.sorted().map { LineChart.Series(name: "v\($0) \(metric)", points: real[$0]!, dashed: false) }
            + guessed.keys.sorted().map { LineChart.Series(name: "v\($0) estimated", points: guessed[$0]!, dashed: true) }
    }

    static func alertsSection(_ alerts: [[String: Any]]) -> String {
        guard !alerts.isEmpty else { return "<h2>Alerts</h2><p>No alerts.</p>" }
        var html = "<h2>Alerts</h2><table><tr><th>Time</th><th>State</th><th>When</th><th>Value</th><th>Delivery</th></tr>"
        for alert in alerts {
            let state = escape(JSONValue.text(alert["state"]))
            html += "<tr><td>\(escape(TimeFormat.millis(alert["fired_at"])))</td><td class=\"\(state)\">\(state)</td>"
                + "<td>\(escape(JSONValue.text(alert["when"])))</td><td>\(MonitorOutput.number(alert["value"]))</td>"
                + "<td>\(escape(JSONValue.text(alert["delivery"])))</td></tr>"
        }
        return html + "</table>"
    }

    static func escape(_ text: String) -> String {
        DriftHTML.escape(text)
    }
}

/// A small SVG line chart: time on x, a metric on y, one line per series.
enum LineChart {
    struct Series {
        var name: String
        var points: [(Double, Double)]
        var dashed: Bool
    }

    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"]

    static func render(series: [Series]) -> String {
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { return "<p>No labelled or estimated values in this window yet.</p>" }
        let width = 720.0, height = 220.0, left = 50.0, bottom = 30.0, top = 10.0
        let xs = all.map(\.0), ys = all.map(\.1)
        let (xMin, xMax) = (xs.min()!, max(xs.max()!, xs.min()! + 1))
        var (yMin, yMax) = (min(ys.min()!, 0), max(ys.max()!, 1e-9))
        if yMax - yMin < 1e-9 { yMax = yMin + 1 }
        func x(_ value: Double) -> Double { left + (value - xMin) / (xMax - xMin) * (width - left - 10) }
        func y(_ value: Double) -> Double { top + (1 - (value - yMin) / (yMax - yMin)) * (height - top - bottom) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height + 20 * Double(series.count)))\" role=\"img\">"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"#999\"/>"
        for tick in 0...4 {
            let value = yMin + (yMax - yMin) * Double(tick) / 4
            svg += "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" font-size=\"10\" text-anchor=\"end\">\(String(format: "%.3g", value))</text>"
        }
        for (value, anchor) in [(xMin, "start"), (xMax, "end")] {
            let label = TimeFormat.millis(NSNumber(value: Int64(value)))
            svg += "<text x=\"\(x(value))\" y=\"\(height - bottom + 16)\" font-size=\"10\" text-anchor=\"\(anchor)\">\(DriftHTML.escape(label))</text>"
        }
        for (index, line) in series.enumerated() {
            let color = palette[index % palette.count]
            let points = line.points.sorted { $0.0 < $1.0 }.map { "\(x($0.0)),\(y($0.1))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"5 4\"" : "") points=\"\(points)\">"
                + "<title>\(DriftHTML.escape(line.name))</title></polyline>"
            for point in line.points {
                svg += "<circle cx=\"\(x(point.0))\" cy=\"\(y(point.1))\" r=\"3\" fill=\"\(color)\"><title>\(DriftHTML.escape(line.name)): "
                    + "\(String(format: "%.4g", point.1))</title></circle>"
            }
            let legendY = height + 14 + 20 * Double(index)
            svg += "<line x1=\"\(left)\" y1=\"\(legendY - 4)\" x2=\"\(left + 24)\" y2=\"\(legendY - 4)\" stroke=\"\(color)\" stroke-width=\"2\""
                + "\(line.dashed ? " stroke-dasharray=\"5 4\"" : "")/><text x=\"\(left + 30)\" y=\"\(legendY)\" font-size=\"11\">\(DriftHTML.escape(line.name))</text>"
        }
        return svg + "</svg>"
    }
}
