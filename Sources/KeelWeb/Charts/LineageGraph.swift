/// A left-to-right lineage graph as SVG: columns of boxes (datasets → run → model version →
/// deployments), each box linked to its page, arrows from every box to the next column's.
struct LineageGraph {
    /// One box.
    struct Node {
        var title: String
        var subtitle: String
        var href: String?
    }

    /// One stage of the flow.
    struct Column {
        var heading: String
        var nodes: [Node]
    }

    var title: String
    var columns: [Column]

    func svg() -> String {
        let boxWidth = 220.0, boxHeight = 46.0, gapX = 60.0, gapY = 14.0, top = 34.0
        let rows = max(columns.map(\.nodes.count).max() ?? 1, 1)
        let width = Double(columns.count) * (boxWidth + gapX) - gapX + 20
        let height = top + Double(rows) * (boxHeight + gapY) + 10
        func origin(_ column: Int, _ row: Int, of count: Int) -> (x: Double, y: Double) {
            let offset = (Double(rows - count) * (boxHeight + gapY)) / 2
            return (10 + Double(column) * (boxWidth + gapX), top + offset + Double(row) * (boxHeight + gapY))
        }
        var svg = Markup.svgOpen(title: title, width: width, height: height, natural: true, classes: "lineage") + """
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">\
            <path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>

            """
        for (index, column) in columns.enumerated() {
            let x = 10 + Double(index) * (boxWidth + gapX)
            svg += "<text x=\"\(Markup.coordinate(x))\" y=\"18\" class=\"axis-label\">\(Markup.escape(column.heading))</text>\n"
            guard index + 1 < columns.count else { continue }
            let next = columns[index + 1]
            for row in column.nodes.indices {
                let from = origin(index, row, of: column.nodes.count)
                for nextRow in next.nodes.indices {
                    let to = origin(index + 1, nextRow, of: next.nodes.count)
                    svg += "<line x1=\"\(Markup.coordinate(from.x + boxWidth))\" y1=\"\(Markup.coordinate(from.y + boxHeight / 2))\" "
                    svg += "x2=\"\(Markup.coordinate(to.x - 2))\" y2=\"\(Markup.coordinate(to.y + boxHeight / 2))\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>\n"
                }
            }
        }
        for (index, column) in columns.enumerated() {
            for (row, node) in column.nodes.enumerated() {
                let at = origin(index, row, of: column.nodes.count)
                var box = "<rect x=\"\(Markup.coordinate(at.x))\" y=\"\(Markup.coordinate(at.y))\" width=\"\(Int(boxWidth))\" height=\"\(Int(boxHeight))\" rx=\"6\" fill=\"#f3f6fa\" stroke=\"#4a6a8a\"/>"
                box += "<text x=\"\(Markup.coordinate(at.x + 8))\" y=\"\(Markup.coordinate(at.y + 19))\" class=\"node-title\">\(Markup.escape(LineChart.shorten(node.title, to: 25)))</text>"
                box += "<text x=\"\(Markup.coordinate(at.x + 8))\" y=\"\(Markup.coordinate(at.y + 36))\" class=\"tick\">\(Markup.escape(LineChart.shorten(node.subtitle, to: 32)))</text>"
                if let href = node.href {
                    svg += "<a href=\"\(Markup.escape(href))\"><title>\(Markup.escape(node.title))</title>\(box)</a>\n"
                } else {
                    svg += "<g><title>\(Markup.escape(node.title))</title>\(box)</g>\n"
                }
            }
        }
        return svg + "</svg>"
    }
}
