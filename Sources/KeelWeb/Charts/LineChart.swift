/// A line chart drawn as SVG: one or more series of (x, y) points, axes with ticks, a legend,
/// and a `<title>` on each point so hovering shows its value without any script.
struct LineChart {
    /// One line.
    struct Series {
        var label: String
        var points: [(x: Double, y: Double)]
    }

    var title: String
    var xLabel: String
    var series: [Series]
    var width = 640.0
    var height = 300.0

    /// The most points drawn per series; longer histories keep each bucket's lowest and
    /// highest value, so spikes survive.
    static let maxPointsPerSeries = 1_000

    func svg() -> String {
        let drawn = series.map { Series(label: $0.label, points: Self.downsample($0.points.filter { $0.x.isFinite && $0.y.isFinite })) }
        let xAxis = Axis(covering: drawn.flatMap { $0.points.map(\.x) }, ticks: 6)
        let yAxis = Axis(covering: drawn.flatMap { $0.points.map(\.y) }, ticks: 5)
        let legendHeight = drawn.count > 1 ? 18.0 * Double((drawn.count + 2) / 3) : 0
        let left = 64.0, right = 16.0, top = 28.0, bottom = 40.0 + legendHeight
        let plotRight = width - right, plotBottom = height - bottom
        func px(_ x: Double) -> String { Markup.coordinate(xAxis.position(x, from: left, to: plotRight)) }
        func py(_ y: Double) -> String { Markup.coordinate(yAxis.position(y, from: plotBottom, to: top)) }

        var svg = Markup.svgOpen(title: title, heading: title, width: width, height: height)
        for tick in yAxis.ticks {
            let y = py(tick)
            svg += "<line x1=\"\(Int(left))\" x2=\"\(Markup.coordinate(plotRight))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#d8d8d8\"/>"
            svg += "<text x=\"\(Int(left) - 6)\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"tick\">\(Format.number(tick))</text>\n"
        }
        for tick in xAxis.ticks {
            let x = px(tick)
            svg += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(Markup.coordinate(plotBottom))\" y2=\"\(Markup.coordinate(plotBottom + 4))\" stroke=\"#555\"/>"
            svg += "<text x=\"\(x)\" y=\"\(Markup.coordinate(plotBottom + 16))\" text-anchor=\"middle\" class=\"tick\">\(Format.number(tick))</text>\n"
        }
        svg += "<line x1=\"\(Int(left))\" x2=\"\(Markup.coordinate(plotRight))\" y1=\"\(Markup.coordinate(plotBottom))\" y2=\"\(Markup.coordinate(plotBottom))\" stroke=\"#555\"/>\n"
        svg += "<text x=\"\(Markup.coordinate((left + plotRight) / 2))\" y=\"\(Markup.coordinate(plotBottom + 32))\" text-anchor=\"middle\" class=\"axis-label\">\(Markup.escape(xLabel))</text>\n"

        for (index, line) in drawn.enumerated() where !line.points.isEmpty {
            let color = Palette.color(index)
            let path = line.points.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
            svg += "<g class=\"series\"><title>\(Markup.escape(line.label))</title>"
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>"
            // Markers only where they can be told apart; each carries its value for hovering.
            if line.points.count <= 60 {
                for point in line.points {
                    svg += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"3\" fill=\"\(color)\">"
                    svg += "<title>\(Markup.escape(line.label)) — \(Markup.escape(xLabel)) \(Format.number(point.x)): \(Format.number(point.y))</title></circle>"
                }
            }
            svg += "</g>\n"
        }
        if drawn.count > 1 {
            for (index, line) in drawn.enumerated() {
                let x = left + Double(index % 3) * ((plotRight - left) / 3)
                let y = plotBottom + 44 + Double(index / 3) * 18
                svg += "<rect x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y - 9))\" width=\"12\" height=\"10\" fill=\"\(Palette.color(index))\"/>"
                svg += "<text x=\"\(Markup.coordinate(x + 16))\" y=\"\(Markup.coordinate(y))\" class=\"legend\">\(Markup.escape(Self.shorten(line.label, to: 28)))</text>\n"
            }
        }
        return svg + "</svg>"
    }

    /// At most ``maxPointsPerSeries`` points: each of half as many equal-width x buckets keeps
    /// its lowest and highest point, in x order.
    static func downsample(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard points.count > maxPointsPerSeries, let first = points.first, let last = points.last else { return points }
        let buckets = maxPointsPerSeries / 2
        let span = max(last.x - first.x, .leastNonzeroMagnitude)
        var lows = [(x: Double, y: Double)?](repeating: nil, count: buckets)
        var highs = lows
        for point in points {
            let bucket = min(buckets - 1, max(0, Int((point.x - first.x) / span * Double(buckets))))
            if lows[bucket].map({ point.y < $0.y }) ?? true { lows[bucket] = point }
            if highs[bucket].map({ point.y > $0.y }) ?? true { highs[bucket] = point }
        }
        var kept: [(x: Double, y: Double)] = []
        for bucket in 0..<buckets {
            guard let low = lows[bucket], let high = highs[bucket] else { continue }
            if low.x == high.x && low.y == high.y {
                kept.append(low)
            } else {
                kept += low.x <= high.x ? [low, high] : [high, low]
            }
        }
        return kept
    }

    static func shorten(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
