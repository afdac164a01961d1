/// A pipeline's stages as a left-to-right DAG in SVG: a column per depth (a stage sits one
/// column right of the deepest stage it waits for), an arrow per dependency, and each box
/// coloured by what the stage did in the run shown (ran, restored from cache, unchanged,
/// failed, blocked).
struct StageGraph {
    struct Stage {
        var name: String
        var status: String?
        var detail: String
    }

    var title: String
    var stages: [Stage]
    /// Per stage, the stages it waits for.
    var upstream: [String: Set<String>]

    /// Fill and border per status; a legend under the graph names them.
    static let colors: [(status: String, fill: String, stroke: String, label: String)] = [
        ("ran", "#dafbe1", "#1a7f37", "ran"),
        ("restored", "#ddf4ff", "#0969da", "restored from cache"),
        ("unchanged", "#eef1f4", "#57606a", "unchanged (cache hit)"),
        ("failed", "#ffebe9", "#cf222e", "failed"),
        ("blocked", "#fff8c5", "#9a6700", "blocked"),
        ("cancelled", "#fff8c5", "#9a6700", "cancelled"),
    ]

    func svg() -> String {
        var depth: [String: Int] = [:]
        func depthOf(_ name: String, _ seen: Set<String> = []) -> Int {
            if let known = depth[name] { return known }
            let parents = (upstream[name] ?? []).filter { !seen.contains($0) }
            let value = parents.map { depthOf($0, seen.union([name])) + 1 }.max() ?? 0
            depth[name] = value
            return value
        }
        for stage in stages { _ = depthOf(stage.name) }
        let columns = Dictionary(grouping: stages) { depth[$0.name] ?? 0 }
        let boxWidth = 170.0, boxHeight = 44.0, gapX = 50.0, gapY = 14.0, top = 30.0
        let rows = max(columns.values.map(\.count).max() ?? 1, 1)
        let columnCount = (columns.keys.max() ?? 0) + 1
        // Wide enough for the legend too.
        let width = max(Double(columnCount) * (boxWidth + gapX) - gapX + 20, 760)
        let height = top + Double(rows) * (boxHeight + gapY) + 34
        var origin: [String: (x: Double, y: Double)] = [:]
        for (column, members) in columns {
            for (row, stage) in members.enumerated() {
                origin[stage.name] = (10 + Double(column) * (boxWidth + gapX), top + Double(row) * (boxHeight + gapY))
            }
        }
        var svg = Markup.svgOpen(title: title, width: width, height: height, natural: true) + """
            <defs><marker id="stage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">\
            <path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>

            """
        for stage in stages {
            guard let to = origin[stage.name] else { continue }
            for parent in (upstream[stage.name] ?? []).sorted() {
                guard let from = origin[parent] else { continue }
                svg += "<line x1=\"\(Markup.coordinate(from.x + boxWidth))\" y1=\"\(Markup.coordinate(from.y + boxHeight / 2))\" "
                svg += "x2=\"\(Markup.coordinate(to.x - 2))\" y2=\"\(Markup.coordinate(to.y + boxHeight / 2))\" stroke=\"#555\" marker-end=\"url(#stage-arrow)\"/>\n"
            }
        }
        for stage in stages {
            guard let at = origin[stage.name] else { continue }
            let color = Self.colors.first { $0.status == stage.status } ?? ("", "#ffffff", "#8c959f", "not run")
            svg += "<g class=\"stage\"><title>\(Markup.escape(stage.name)): \(Markup.escape(stage.status ?? "not run")) \(Markup.escape(stage.detail))</title>"
            svg += "<rect x=\"\(Markup.coordinate(at.x))\" y=\"\(Markup.coordinate(at.y))\" width=\"\(Int(boxWidth))\" height=\"\(Int(boxHeight))\" rx=\"6\" fill=\"\(color.fill)\" stroke=\"\(color.stroke)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(Markup.coordinate(at.x + 8))\" y=\"\(Markup.coordinate(at.y + 18))\" class=\"node-title\">\(Markup.escape(LineChart.shorten(stage.name, to: 20)))</text>"
            svg += "<text x=\"\(Markup.coordinate(at.x + 8))\" y=\"\(Markup.coordinate(at.y + 35))\" class=\"tick\">\(Markup.escape(LineChart.shorten((stage.status ?? "not run") + " " + stage.detail, to: 26)))</text></g>\n"
        }
        let legendY = height - 12
        for (index, entry) in Self.colors.prefix(5).enumerated() {
            let x = 10 + Double(index) * 150
            svg += "<rect x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(legendY - 10))\" width=\"12\" height=\"12\" fill=\"\(entry.fill)\" stroke=\"\(entry.stroke)\"/>"
            svg += "<text x=\"\(Markup.coordinate(x + 16))\" y=\"\(Markup.coordinate(legendY))\" class=\"legend\">\(entry.label)</text>\n"
        }
        return svg + "</svg>"
    }
}
