@testable import KeelTracking
import Testing
@testable import KeelWeb

@Suite("Page parts")
struct PagePartsTests {
    @Test("every template parses")
    func templatesParse() throws {
        _ = try PageRenderer()
    }

    @Test("times, numbers and sizes read the same everywhere")
    func formats() {
        #expect(Format.time(0) == "1970-01-01 00:00:00")
        #expect(Format.time(1_764_000_000_123) == "2025-11-24 16:00:00")
        #expect(Format.time(nil) == "–")
        #expect(Format.number(0.123456789) == "0.123457")
        #expect(Format.number(3) == "3")
        #expect(Format.number(.nan) == "NaN")
        #expect(Format.number(1.5e-7) == "1.5e-07")
        #expect(Format.bytes(512) == "512 B")
        #expect(Format.bytes(1536) == "1.5 KiB")
        #expect(Format.duration(from: 0, to: 61_000) == "1 min 1 s")
        #expect(Format.query([("q", "a b&c"), ("empty", ""), ("n", nil)]) == "?q=a%20b%26c")
    }

    @Test("user text becomes a quoted literal of the filter language, never raw syntax")
    func quoting() throws {
        #expect(try WebSite.quoted("it's") == "\"it's\"")
        #expect(try WebSite.quoted("plain") == "'plain'")
        #expect(throws: (any Error).self) { try WebSite.quoted("both ' and \"") }
        #expect(try WebSite.nameFilter(containing: "") == nil)
        #expect(try WebSite.nameFilter(containing: "x' OR '1'='1") == "name ILIKE \"%x' OR '1'='1%\"")
    }

    @Test("only paths on this site's pages are followed after sign-in")
    func safeNext() {
        #expect(WebSite.safeNext("/ui/runs/abc?path=x") == "/ui/runs/abc?path=x")
        #expect(WebSite.safeNext("https://evil.example/") == "/ui/experiments")
        #expect(WebSite.safeNext("//evil.example/ui/") == "/ui/experiments")
        #expect(WebSite.safeNext("/ui/\\evil") == "/ui/experiments")
        #expect(WebSite.safeNext(nil) == "/ui/experiments")
    }

    @Test("run columns: the page's keys by default, the chosen ones when given, quoted for ordering")
    func runColumns() {
        let run = Run(
            info: RunInfo(
                runID: "r", experimentID: 1, runName: "n", userID: "u", status: .finished, startTime: 0, endTime: 1,
                artifactURI: "mlflow-artifacts:/1/r/artifacts", lifecycleStage: .active
            ),
            metrics: [Metric(key: "rmse", value: 0.5, timestamp: 0, step: 0), Metric(key: "val loss", value: 1, timestamp: 0, step: 0)],
            params: [KeyValue(key: "lr", value: "0.1")], tags: [], inputs: .empty, outputs: .empty
        )
        let defaults = RunColumns(chosen: [], runs: [run])
        #expect(defaults.shown.map(\.key) == ["rmse", "val loss", "lr"])
        #expect(defaults.shown[1].orderKey == "metrics.`val loss`")
        let chosen = RunColumns(chosen: ["params.lr", "bogus", "metrics.rmse"], runs: [run])
        #expect(chosen.shown.map(\.key) == ["lr", "rmse"])
        #expect(chosen.chosen == ["params.lr", "metrics.rmse"])
        #expect(chosen.metricChoices.first { $0.value == "metrics.val loss" }?.checked == false)
    }

    @Test("artifact paths stay under the run's folder")
    func artifactPaths() throws {
        let root = try #require(ArtifactBrowser.root(of: "mlflow-artifacts:/1/abc/artifacts"))
        #expect(try ArtifactBrowser.resolve("model/MLmodel", under: root).string == "1/abc/artifacts/model/MLmodel")
        for bad in ["../other", "a/../../x", "/etc/passwd", "a\\b", "%2e%2e/x", "a#b"] {
            #expect(throws: (any Error).self, "\(bad)") { try ArtifactBrowser.resolve(bad, under: root) }
        }
        #expect(ArtifactBrowser.root(of: "s3://bucket/x") == nil)
        #expect(ArtifactBrowser.root(of: "mlflow-artifacts://host/1/x") == nil)
        #expect(ArtifactBrowser.imageType(of: "plot.PNG") == "image/png")
        #expect(ArtifactBrowser.imageType(of: "page.svg") == nil, "SVG can hold script: never inline")
    }
}
