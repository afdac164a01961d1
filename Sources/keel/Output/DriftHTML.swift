import KeelCore
import Foundation
import KeelMonitoring

/// A self-contained HTML drift report: verdict, per-column table, one SVG chart per column.
///
/// No scripts, fonts or network: the file opens anywhere and can be attached to a ticket.
enum DriftHTML {
    static func render(_ drift: DatasetDrift, reference: DataTable, current: DataTable, referenceName: String, currentName: String) -> String {
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keel drift report</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
            .drift{color:#b00020;font-weight:600}.ok{color:#2e7d32}.chart{margin:1.5em 0}
            .legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
            </style></head><body>
            <h1>Data drift: \(escape(currentName)) vs \(escape(referenceName))</h1>
            """
        let verdict = drift.detected ? "<span class=\"drift\">Data drift detected</span>" : "<span class=\"ok\">No data drift</span>"
        html += "<p>\(verdict): \(drift.driftedColumns) of \(drift.columns.count) columns drifted "
            + "(\(percent(drift.share)); the data set drifts at \(percent(drift.shareThreshold))). "
            + "Reference \(reference.rowCount) rows, current \(current.rowCount) rows.</p>"
        html += "<table><tr><th>Column</th><th>Type</th><th>Test</th><th>Score</th><th>Threshold</th><th>Drift</th></tr>"
        for column in drift.columns {
            html += "<tr><td><a href=\"#col-\(escape(column.column))\">\(escape(column.column))</a></td><td>\(column.kind.rawValue)</td>"
                + "<td>\(escape(column.method.displayName))</td><td>\(String(format: "%.4g", column.score))</td>"
                + "<td>\(String(format: "%g", column.threshold))</td>"
                + (column.detected ? "<td class=\"drift\">drift</td>" : "<td class=\"ok\">no</td>") + "</tr>"
        }
        html += "</table>"
        html += "<p class=\"legend\"><span style=\"background:#4e79a7\"></span>reference<span style=\"background:#f28e2b\"></span>current</p>"
        for column in drift.columns {
            guard let referenceColumn = reference.column(column.column), let currentColumn = current.column(column.column) else { continue }
            let histogram = DriftHistogram(reference: referenceColumn.sample, current: currentColumn.sample)
            html += "<div class=\"chart\" id=\"col-\(escape(column.column))\"><h3>\(escape(column.column))</h3>\(chart(histogram.bars))</div>"
        }
        return html + "</body></html>\n"
    }

    /// Paired bars per bin, shares on a common scale.
    static func chart(_ bars: [DriftHistogram.Bar]) -> String {
        guard !bars.isEmpty else { return "<p>No values to draw.</p>" }
        let height = 160.0, barWidth = 12.0, gap = 10.0, labelSpace = 70.0
        let width = Double(bars.count) * (2 * barWidth + gap) + gap
        let top = max(bars.map { max($0.reference, $0.current) }.max() ?? 1, 1e-9)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height + labelSpace))\" role=\"img\">"
        for (index, bar) in bars.enumerated() {
            let x = gap + Double(index) * (2 * barWidth + gap)
            for (offset, share, color) in [(0.0, bar.reference, "#4e79a7"), (barWidth, bar.current, "#f28e2b")] {
                let barHeight = share / top * height
                svg += "<rect x=\"\(x + offset)\" y=\"\(height - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"\(color)\">"
                    + "<title>\(escape(bar.label)): \(percent(share))</title></rect>"
            }
            svg += "<text x=\"\(x + barWidth)\" y=\"\(height + 6)\" font-size=\"10\" transform=\"rotate(60 \(x + barWidth) \(height + 6))\">"
                + "\(escape(String(bar.label.prefix(18))))</text>"
        }
        return svg + "</svg>"
    }

    static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }

    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }
}
