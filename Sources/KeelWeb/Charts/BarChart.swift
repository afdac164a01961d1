/// Grouped bars as SVG: for each bin, one bar per series side by side (a drift histogram draws
/// the reference and the current window's share of rows per bin).
struct BarChart {
    struct Series {
        var label: String
        var values: [Double]
    }

    var title: String
    var bins: [String]
    var series: [Series]
    var valueLabel: String
    var width = 520.0
    var height = 240.0

    func svg() -> String {
        let left = 54.0, right = 10.0, top = 28.0, bottom = 58.0
        let plotRight = width - right, plotBottom = height - bottom
        let axis = Axis(covering: [0] + series.flatMap(\.values), ticks: 4)
        let binWidth = (plotRight - left) / Double(max(bins.count, 1))
        let barWidth = binWidth * 0.8 / Double(max(series.count, 1))
        func py(_ value: Double) -> Double { axis.position(value, from: plotBottom, to: top) }
        var svg = Markup.svgOpen(title: title, heading: title, width: width, height: height)
        for tick in axis.ticks {
            let y = Markup.coordinate(py(tick))
            svg += "<line x1=\"\(Int(left))\" x2=\"\(Markup.coordinate(plotRight))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#d8d8d8\"/>"
            svg += "<text x=\"\(Int(left) - 6)\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"tick\">\(Format.number(tick))</text>\n"
        }
        for (bin, label) in bins.enumerated() {
            let binLeft = left + Double(bin) * binWidth + binWidth * 0.1
            for (index, line) in series.enumerated() where bin < line.values.count {
                let value = line.values[bin].isFinite ? line.values[bin] : 0
                let x = binLeft + Double(index) * barWidth
                let y = py(value)
                svg += "<rect x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y))\" width=\"\(Markup.coordinate(max(barWidth - 1, 1)))\" "
                svg += "height=\"\(Markup.coordinate(max(plotBottom - y, 0)))\" fill=\"\(Palette.color(index))\">"
                svg += "<title>\(Markup.escape(line.label)), \(Markup.escape(label)): \(Format.number(value)) \(Markup.escape(valueLabel))</title></rect>"
            }
            if bins.count <= 6 || bin.isMultiple(of: (bins.count + 5) / 6) {
                let x = Markup.coordinate(left + (Double(bin) + 0.5) * binWidth)
                svg += "<text x=\"\(x)\" y=\"\(Markup.coordinate(plotBottom + 14))\" text-anchor=\"middle\" class=\"tick\">\(Markup.escape(LineChart.shorten(label, to: 14)))</text>"
            }
            svg += "\n"
        }
        svg += "<line x1=\"\(Int(left))\" x2=\"\(Markup.coordinate(plotRight))\" y1=\"\(Markup.coordinate(plotBottom))\" y2=\"\(Markup.coordinate(plotBottom))\" stroke=\"#555\"/>\n"
        for (index, line) in series.enumerated() {
            let x = left + Double(index) * 150
            svg += "<rect x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(height - 20))\" width=\"12\" height=\"10\" fill=\"\(Palette.color(index))\"/>"
            svg += "<text x=\"\(Markup.coordinate(x + 16))\" y=\"\(Markup.coordinate(height - 11))\" class=\"legend\">\(Markup.escape(line.label))</text>\n"
        }
        return svg + "</svg>"
    }
}
