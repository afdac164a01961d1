/// Parallel coordinates: one vertical axis per parameter and a last one for a metric, one line
/// per run, so which parameter values lead to a good metric can be seen at a glance.
///
/// A parameter whose values all read as numbers gets a numeric axis; any other gets one tick per
/// distinct value, in sorted order.
struct ParallelCoordinates {
    /// One run's values: parameter values by name, and the metric (nil if not logged).
    struct Line {
        var label: String
        var values: [String: String]
        var metric: Double?
    }

    var title: String
    var parameters: [String]
    var metric: String
    var lines: [Line]
    var height = 320.0

    func svg() -> String {
        let axisCount = parameters.count + 1
        let spacing = 150.0
        let left = 60.0, top = 40.0, bottom = 30.0
        let width = left * 2 + spacing * Double(max(axisCount - 1, 1))
        let plotBottom = height - bottom
        let axes = parameters.map { name in ScaledAxis(values: lines.map { $0.values[name] }) }
        let metricAxis = Axis(covering: lines.compactMap(\.metric), ticks: 5)

        var svg = Markup.svgOpen(title: title, heading: title, width: width, height: height, natural: true)
        func axisX(_ index: Int) -> Double { left + spacing * Double(index) }
        for (index, line) in lines.enumerated() {
            var points: [String] = []
            for (axisIndex, axis) in axes.enumerated() {
                guard let y = axis.position(line.values[parameters[axisIndex]], from: plotBottom, to: top) else { continue }
                points.append("\(Markup.coordinate(axisX(axisIndex))),\(Markup.coordinate(y))")
            }
            if let metric = line.metric, metric.isFinite {
                points.append("\(Markup.coordinate(axisX(axes.count))),\(Markup.coordinate(metricAxis.position(metric, from: plotBottom, to: top)))")
            }
            svg += "<polyline fill=\"none\" stroke=\"\(Palette.color(index))\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\">"
            svg += "<title>\(Markup.escape(line.label)): \(Markup.escape(metric)) = \(line.metric.map(Format.number) ?? "not logged")</title></polyline>\n"
        }
        for (index, axis) in axes.enumerated() {
            svg += axisMarkup(x: axisX(index), name: parameters[index], ticks: axis.ticks(from: plotBottom, to: top), top: top, bottom: plotBottom)
        }
        let metricTicks = metricAxis.ticks.map { (Format.number($0), metricAxis.position($0, from: plotBottom, to: top)) }
        svg += axisMarkup(x: axisX(axes.count), name: metric, ticks: metricTicks, top: top, bottom: plotBottom)
        return svg + "</svg>"
    }

    private func axisMarkup(x: Double, name: String, ticks: [(String, Double)], top: Double, bottom: Double) -> String {
        let cx = Markup.coordinate(x)
        var svg = "<g class=\"axis\"><line x1=\"\(cx)\" x2=\"\(cx)\" y1=\"\(Markup.coordinate(top))\" y2=\"\(Markup.coordinate(bottom))\" stroke=\"#333\"/>"
        svg += "<text x=\"\(cx)\" y=\"\(Markup.coordinate(top - 10))\" text-anchor=\"middle\" class=\"axis-label\">\(Markup.escape(LineChart.shorten(name, to: 22)))</text>"
        for (label, y) in ticks {
            svg += "<text x=\"\(Markup.coordinate(x - 5))\" y=\"\(Markup.coordinate(y))\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"tick\">\(Markup.escape(LineChart.shorten(label, to: 14)))</text>"
        }
        return svg + "</g>\n"
    }
}

/// A parameter's axis: numeric when every value reads as a finite number, else categorical.
private struct ScaledAxis {
    enum Kind {
        case numeric(Axis)
        case categories([String])
    }

    let kind: Kind

    init(values: [String?]) {
        let present = values.compactMap { $0 }
        let numbers = present.compactMap(Double.init).filter(\.isFinite)
        if !present.isEmpty, numbers.count == present.count {
            kind = .numeric(Axis(covering: numbers, ticks: 4))
        } else {
            kind = .categories(Array(Set(present)).sorted())
        }
    }

    func position(_ value: String?, from bottom: Double, to top: Double) -> Double? {
        guard let value else { return nil }
        switch kind {
        case .numeric(let axis):
            guard let number = Double(value), number.isFinite else { return nil }
            return axis.position(number, from: bottom, to: top)
        case .categories(let names):
            guard let index = names.firstIndex(of: value) else { return nil }
            return Self.slot(index, of: names.count, from: bottom, to: top)
        }
    }

    func ticks(from bottom: Double, to top: Double) -> [(String, Double)] {
        switch kind {
        case .numeric(let axis):
            axis.ticks.map { (Format.number($0), axis.position($0, from: bottom, to: top)) }
        case .categories(let names):
            names.enumerated().map { ($0.element, Self.slot($0.offset, of: names.count, from: bottom, to: top)) }
        }
    }

    private static func slot(_ index: Int, of count: Int, from bottom: Double, to top: Double) -> Double {
        count <= 1 ? (bottom + top) / 2 : bottom + (top - bottom) * Double(index) / Double(count - 1)
    }
}
