import Testing
@testable import KeelWeb

@Suite("SVG charts")
struct ChartTests {
    @Test("axis ticks are round numbers that cover the data")
    func niceTicks() {
        let axis = Axis(covering: [0.13, 0.87], ticks: 5)
        #expect(axis.lower <= 0.13 && axis.upper >= 0.87)
        #expect(axis.ticks.first == axis.lower)
        #expect(axis.ticks.count >= 3 && axis.ticks.count <= 7)
        #expect(abs((axis.ticks[1] - axis.ticks[0]) - 0.2) < 1e-12)
        let flat = Axis(covering: [5, 5, 5])
        #expect(flat.lower < 5 && flat.upper > 5, "a constant series still gets a range")
        let empty = Axis(covering: [.nan, .infinity])
        #expect(empty.lower == 0 && empty.upper == 1)
    }

    @Test("a line chart escapes labels, skips non-finite points and marks each point's value")
    func lineChart() {
        let chart = LineChart(
            title: "loss <script>", xLabel: "step",
            series: [
                .init(label: "a&b", points: [(0, 1), (1, .nan), (2, 0.5)]),
                .init(label: "c", points: [(0, 2), (2, 1)]),
            ]
        ).svg()
        #expect(chart.hasPrefix("<svg"))
        #expect(chart.contains("loss &lt;script&gt;"))
        #expect(!chart.contains("<script>"))
        #expect(chart.contains("a&amp;b — step 2: 0.5"))
        #expect(chart.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(!chart.contains("NaN") && !chart.contains(",nan") && !chart.contains("\"nan"), "no NaN coordinates")
    }

    @Test("long histories are thinned to the bucket extremes, keeping spikes")
    func downsampling() {
        var points: [(x: Double, y: Double)] = (0..<100_000).map { (Double($0), 1.0) }
        points[54_321].y = 99
        let kept = LineChart.downsample(points)
        #expect(kept.count <= LineChart.maxPointsPerSeries)
        #expect(kept.contains { $0.y == 99 })
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.x <= $1.x }, "still in x order")
    }

    @Test("parallel coordinates: numeric and categorical axes, runs without the metric still drawn")
    func parallelCoordinates() {
        let chart = ParallelCoordinates(
            title: "Parameters → rmse", parameters: ["lr", "model"], metric: "rmse",
            lines: [
                .init(label: "run 1", values: ["lr": "0.1", "model": "tree"], metric: 0.5),
                .init(label: "run 2", values: ["lr": "0.01", "model": "linear"], metric: nil),
            ]
        ).svg()
        #expect(chart.contains(">linear<") && chart.contains(">tree<"), "categories are axis ticks")
        #expect(chart.contains("run 2: rmse = not logged"))
        #expect(chart.components(separatedBy: "<polyline").count - 1 == 2)
    }

    @Test("the lineage graph links boxes to their pages and draws an arrow per edge")
    func lineage() {
        let graph = LineageGraph(title: "Lineage", columns: [
            .init(heading: "Data", nodes: [.init(title: "train.csv", subtitle: "digest 1", href: nil), .init(title: "eval.csv", subtitle: "digest 2", href: nil)]),
            .init(heading: "Training run", nodes: [.init(title: "run", subtitle: "FINISHED", href: "/ui/runs/abc")]),
            .init(heading: "Model version", nodes: [.init(title: "m v1", subtitle: "None", href: nil)]),
        ]).svg()
        #expect(graph.contains("href=\"/ui/runs/abc\""))
        #expect(graph.components(separatedBy: "marker-end").count - 1 == 3)
    }
}
