import Foundation
import KeelCore
@testable import KeelMonitoring
import KeelServing
import Testing

/// How monitoring reads what users and the inference log hand it: windows, logged bodies,
/// alert conditions, feedback, and the reference profile.
@Suite("Monitoring inputs")
struct MonitoringParsingTests {
    @Test("windows: durations, last N, ranges, versions and their errors")
    func windows() throws {
        #expect(try InferenceWindow(query: ["window": "90m"]).bound == .trailing(milliseconds: 5_400_000, text: "90m"))
        #expect(try InferenceWindow(query: ["last": "500"]).bound == .lastRequests(500))
        #expect(try InferenceWindow(query: ["start": "10", "end": "20"]).bound == .range(start: 10, end: 20))
        #expect(try InferenceWindow(query: [:]) == InferenceWindow.default)
        #expect(try InferenceWindow(query: ["window": "1h", "version": "3"]).version == "3")
        for bad in [["window": "5x"], ["window": "0h"], ["window": "h"], ["last": "0"], ["last": "100001"], ["start": "20", "end": "10"],
                    ["window": "1h", "last": "5"], ["version": "v3"], ["start": "-1"]] {
            #expect(throws: KeelError.self, "\(bad)") { try InferenceWindow(query: bad) }
        }
        let trailing = try InferenceWindow(query: ["window": "1h"])
        #expect(trailing.timeRange(now: 10_000_000) == (start: 6_400_000, end: 10_000_000))
    }

    static func record(_ request: String, _ response: String?, protocolName: String = "invocations", status: Int = 200) -> InferenceRecord {
        InferenceRecord(
            requestID: "r", role: "primary", deployment: "d", modelVersion: "1", protocolName: protocolName, status: status,
            latencyMicroseconds: 1000, timestampMilliseconds: 1, requestBody: request, responseBody: response
        )
    }

    @Test("every scoring body shape becomes the same rows")
    func scoringBodies() throws {
        let answer = #"{"predictions": [1, 0]}"#
        let bodies = [
            #"{"dataframe_split": {"columns": ["a", "b"], "data": [[1.5, "x"], [2, "y"]]}}"#,
            #"{"dataframe_records": [{"a": 1.5, "b": "x"}, {"a": 2, "b": "y"}]}"#,
            #"{"instances": [{"a": 1.5, "b": "x"}, {"a": 2, "b": "y"}]}"#,
            #"{"inputs": {"a": [1.5, 2], "b": ["x", "y"]}}"#,
            "a,b\n1.5,x\n2,y\n",
        ]
        for body in bodies {
            let exchange = try #require(LoggedExchange(record: Self.record(body, answer), settings: MonitorSettings()), "\(body)")
            #expect(Set(exchange.columns) == ["a", "b"], "\(body)")
            #expect(exchange.rows.map { $0["a"] ?? nil } == ["1.5", "2"], "\(body)")
            #expect(exchange.rows.map { $0["b"] ?? nil } == ["x", "y"], "\(body)")
            #expect(exchange.predictions?.map(\.value) == ["1", "0"], "\(body)")
        }
    }

    @Test("object predictions give label and probability; booleans stay booleans")
    func predictions() throws {
        let request = #"{"dataframe_records": [{"a": 1}, {"a": 2}]}"#
        let objects = #"{"predictions": [{"prediction": 1, "probability": 0.8}, {"prediction": 0, "probability": 0.3}]}"#
        let read = try #require(LoggedExchange(record: Self.record(request, objects), settings: MonitorSettings())?.predictions)
        #expect(read.map(\.value) == ["1", "0"])
        #expect(read.map(\.probability) == [0.8, 0.3])
        let flags = try #require(LoggedExchange(record: Self.record(request, #"{"predictions": [true, false]}"#), settings: MonitorSettings()))
        #expect(flags.predictions?.map(\.value) == ["True", "False"])
        #expect(flags.inferredTask == .classification)
        let numbers = try #require(LoggedExchange(record: Self.record(request, #"{"predictions": [1.25, 3.5]}"#), settings: MonitorSettings()))
        #expect(numbers.inferredTask == .regression)
        let failed = try #require(LoggedExchange(record: Self.record(request, #"{"error_code": "X"}"#, status: 400), settings: MonitorSettings()))
        #expect(failed.predictions == nil)
        #expect(LoggedExchange(record: Self.record("base64:AAAA", nil), settings: MonitorSettings()) == nil)
    }

    @Test("OIP tensors become columns; [n, 2] outputs are class probabilities")
    func openInference() throws {
        let request = #"{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3, 4]}, {"name": "c", "shape": [2], "datatype": "BYTES", "data": ["u", "v"]}]}"#
        let response = #"{"outputs": [{"name": "proba", "shape": [2, 2], "datatype": "FP64", "data": [0.9, 0.1, 0.2, 0.8]}]}"#
        let exchange = try #require(LoggedExchange(record: Self.record(request, response, protocolName: "v2"), settings: MonitorSettings()))
        #expect(exchange.columns == ["x_0", "x_1", "c"])
        #expect(exchange.rows.map { $0["x_1"] ?? nil } == ["2", "4"])
        #expect(exchange.predictions?.map(\.value) == ["0", "1"])
        #expect(exchange.predictions?.map(\.probability) == [0.1, 0.8])
    }

    @Test("alert conditions parse, print and judge")
    func conditions() throws {
        let condition = try AlertCondition(parsing: " drift_share >= 0.3 ")
        #expect(condition.metric == .driftShare && condition.comparison == .greaterOrEqual && condition.bound == 0.3)
        #expect(condition.description == "drift_share >= 0.3")
        #expect(condition.holds(0.3) && !condition.holds(0.29))
        #expect(try AlertCondition(parsing: "drift.age>0.1").metric == .columnDrift("age"))
        #expect(try AlertCondition(parsing: "estimated_f1 < 0.8").metric == .estimated("f1"))
        #expect(try AlertCondition(parsing: "latency_p95_ms > 250").metric == .latency(percentile: 95))
        #expect(try AlertCondition(parsing: "error_rate != 0").holds(0.1))
        for bad in ["drift_share", "drift_share > x", "bogus > 1", "estimated_mae < 1", "> 1", "accuracy > inf"] {
            #expect(throws: KeelError.self, "\(bad)") { try AlertCondition(parsing: bad) }
        }
    }

    @Test("feedback bodies: label, labels, row, replace, and what is refused")
    func feedback() throws {
        let items = try FeedbackItem.decode(Array(#"""
            {"feedback": [{"request_id": "a", "label": 1}, {"request_id": "b", "labels": ["x", true]},
                          {"request_id": "c", "row": 2, "label": 0.5, "replace": true}]}
            """#.utf8))
        #expect(items.count == 3)
        #expect(items[0].label == "1" && items[0].numeric)
        #expect(items[1].labels == ["x", "True"] && !items[1].numeric)
        #expect(items[2].row == 2 && items[2].replace && items[2].label == "0.5")
        let refused = [
            #"{"feedback": []}"#, #"[]"#, #"{"feedback": [{"label": 1}]}"#, #"{"feedback": [{"request_id": "a"}]}"#,
            #"{"feedback": [{"request_id": "a", "label": {"x": 1}}]}"#, #"{"feedback": [{"request_id": "a", "label": [1]}]}"#,
            #"{"feedback": [{"request_id": "a", "label": null}]}"#, #"{"feedback": [{"request_id": "a", "label": 1, "labels": [1]}]}"#,
            #"{"feedback": [{"request_id": "a", "row": -1, "label": 1}]}"#, #"{"feedback": [{"request_id": "a", "row": 1, "labels": [1]}]}"#,
            "not json",
        ]
        for body in refused {
            #expect(throws: KeelError.self, "\(body)") { try FeedbackItem.decode(Array(body.utf8)) }
        }
    }

    @Test("reference profile: numpy's quantiles and histogram, pandas' std, top categories")
    func profile() throws {
        let table = try DataTable.parse(Array("x,c\n1,a\n2,b\n3,a\n4,\n5,a\n6,b\n7,c\n8,a\n9,b\n10,a\n".utf8), format: "csv", name: "t")
        let profile = ReferenceProfile(table)
        let x = profile.columns[0]
        #expect(x.kind == .numerical && x.count == 10 && x.missing == 0)
        #expect(x.min == 1 && x.max == 10 && x.mean == 5.5)
        #expect(abs(x.std! - 3.0276503540974917) < 1e-12)
        // numpy.quantile(range(1, 11), [.05, .25, .5, .75, .95]) → 1.45, 3.25, 5.5, 7.75, 9.55
        #expect(abs(x.quantiles!["0.05"]! - 1.45) < 1e-12 && abs(x.quantiles!["0.25"]! - 3.25) < 1e-12)
        #expect(abs(x.quantiles!["0.5"]! - 5.5) < 1e-12 && abs(x.quantiles!["0.95"]! - 9.55) < 1e-12)
        // numpy.histogram(range(1, 11), 10) → one value per bin
        #expect(x.histogram?.counts == Array(repeating: 1, count: 10))
        let c = profile.columns[1]
        #expect(c.kind == .categorical && c.missing == 1)
        #expect(c.top?.map(\.value) == ["a", "b", "c"] && c.top?.map(\.count) == [5, 3, 1])
    }
}
