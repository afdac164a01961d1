import Foundation
import KeelTestSupport
import KeelTracking
import Testing
@testable import KeelServer

/// The fast readers of `log-batch`, `log-metric`, `runs/create` and `runs/update` bodies: whatever they accept, they must read
/// exactly as `JSONDecoder` does; whatever they are unsure of, they must leave to it.
@Suite("JSON scanner")
struct JSONScannerTests {
    /// A request reduced to comparable text; NaN compares equal to itself here, unlike in `Metric`.
    private static func summary(_ request: LogBatchRequest) -> String {
        let metrics = request.metrics.map { metric in
            "\(metric.key)|\(metric.value.bitPattern)|\(metric.timestamp)|\(metric.step)|\(metric.modelID ?? "-")|\(metric.datasetName ?? "-")|\(metric.datasetDigest ?? "-")"
        }
        let params = request.params.map { "\($0.key)=\($0.value)" }
        let tags = request.tags.map { "\($0.key)=\($0.value)" }
        return ([request.runID] + metrics + ["params"] + params + ["tags"] + tags).joined(separator: "\n")
    }

    private static func scanned<T: ScannableRequest>(_ type: T.Type, _ body: String) -> T? {
        Array(body.utf8).withUnsafeBytes { T.scanned($0) }
    }

    private static func decoded<T: Decodable>(_ type: T.Type, _ body: String) -> T? {
        try? MLflowJSON.decode(type, from: Data(body.utf8))
    }

    /// Checks that the scanner reads `body` and agrees with the general decoder.
    private static func expectSameBatch(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = scanned(LogBatchRequest.self, body)
        let general = decoded(LogBatchRequest.self, body)
        #expect(fast != nil, "the scanner should read \(body)", sourceLocation: sourceLocation)
        #expect(general != nil, "the general decoder should read \(body)", sourceLocation: sourceLocation)
        if let fast, let general {
            #expect(summary(fast) == summary(general), sourceLocation: sourceLocation)
        }
    }

    @Test("plain bodies read the same as JSONDecoder reads them")
    func plainBodies() {
        Self.expectSameBatch(#"{"run_id": "r1", "metrics": [{"key": "loss", "value": 0.5488135039273248, "timestamp": 1700000000000, "step": 3}]}"#)
        Self.expectSameBatch(#"{"run_uuid": "r2", "params": [{"key": "lr", "value": "0.01"}], "tags": [{"key": "t", "value": "x"}]}"#)
        Self.expectSameBatch(#"{"run_id": "", "run_uuid": "r3"}"#)
        Self.expectSameBatch(#" { "run_id" : "r4" , "metrics" : [ ] , "params" : null , "tags" : [ ] } "#)
        Self.expectSameBatch("{\n\t\"run_id\":\"r5\",\r\n\"metrics\":[{\"key\":\"m\",\"value\":1,\"timestamp\":0}]}")
        // Protobuf-JSON's non-finite doubles, negative and extreme integers, exponents.
        Self.expectSameBatch(#"""
            {"run_id": "r6", "metrics": [
              {"key": "a", "value": "NaN", "timestamp": 1, "step": -5},
              {"key": "b", "value": "Infinity", "timestamp": -9223372036854775808, "step": 9223372036854775807},
              {"key": "c", "value": "-Infinity", "timestamp": 2, "step": null},
              {"key": "d", "value": -1.5e-7, "timestamp": 3, "step": 0},
              {"key": "e", "value": 1E+300, "timestamp": 4},
              {"key": "s", "value": 4.9e-324, "timestamp": 4},
              {"key": "f", "value": -0.0, "timestamp": 5, "model_id": "m-1", "dataset_name": "train", "dataset_digest": null}
            ]}
            """#)
        // Escapes: every short form, \u with and without surrogate pairs, an escaped NUL, raw UTF-8.
        Self.expectSameBatch(#"{"run_id": "r7", "params": [{"key": "k\"\\\/\b\f\n\r\t", "value": "caf\u00e9 \ud83d\ude00 \u0000 ünï 😀"}]}"#)
        // Raw UTF-8 with no escape in the string (the scanner's non-ASCII path), and plain ASCII.
        Self.expectSameBatch(#"{"run_id": "r9", "params": [{"key": "ünï", "value": "😀 café"}, {"key": "k", "value": "v 1"}]}"#)
        // Unknown fields of every shape are skipped, and a tag without a value is empty.
        Self.expectSameBatch(#"{"extra": {"a": [1, 2.5, true, false, null, {"b": "c"}]}, "run_id": "r8", "tags": [{"key": "t", "note": [], "value": null}]}"#)
    }

    @Test("log-metric bodies read the same as JSONDecoder reads them")
    func logMetricBodies() throws {
        for body in [
            #"{"run_id": "r1", "run_uuid": "r1", "key": "live", "value": 0.2, "timestamp": 1700000000000, "step": 1}"#,
            #"{"run_uuid": "r2", "key": "live", "value": "NaN", "timestamp": 5}"#,
        ] {
            let fast = try #require(Self.scanned(LogMetricRequest.self, body))
            let general = try #require(Self.decoded(LogMetricRequest.self, body))
            #expect(fast.runID == general.runID)
            #expect(fast.metric.key == general.metric.key)
            #expect(fast.metric.value.bitPattern == general.metric.value.bitPattern)
            #expect(fast.metric.timestamp == general.metric.timestamp && fast.metric.step == general.metric.step)
        }
    }

    @Test("runs/create and runs/update bodies read the same as JSONDecoder reads them")
    func runLifecycleBodies() throws {
        for body in [
            #"{"experiment_id": "12", "run_name": "r", "start_time": 1750000000000, "tags": [{"key": "mlflow.user", "value": "u"}]}"#,
            #"{"user_id": null, "start_time": null, "extra": [1, {"a": null}]}"#,  // experiment 0, no name, no start
            #"{}"#,
        ] {
            let fast = try #require(Self.scanned(CreateRunRequest.self, body))
            let general = try #require(Self.decoded(CreateRunRequest.self, body))
            #expect(fast.experimentID == general.experimentID && fast.userID == general.userID && fast.runName == general.runName)
            #expect(fast.startTime == general.startTime && fast.tags == general.tags)
        }
        for body in [
            #"{"run_id": "r1", "run_uuid": "r1", "status": "FINISHED", "end_time": 1750000060000}"#,
            #"{"run_uuid": "r2", "status": "NO_SUCH_STATUS", "run_name": "renamed", "end_time": null}"#,  // an unknown status is ignored
        ] {
            let fast = try #require(Self.scanned(UpdateRunRequest.self, body))
            let general = try #require(Self.decoded(UpdateRunRequest.self, body))
            #expect(fast.runID == general.runID && fast.status == general.status)
            #expect(fast.endTime == general.endTime && fast.runName == general.runName)
        }
        // Left to the general decoder, which words the error or reads the unusual spelling.
        for body in [#"{"experiment_id": "x"}"#, #"{"experiment_id": 3}"#, #"{"start_time": "5"}"#, #"{"tags": [{"value": "v"}]}"#] {
            #expect(Self.scanned(CreateRunRequest.self, body) == nil, "should be left alone: \(body)")
        }
        for body in [#"{"status": "FINISHED"}"#, #"{"run_id": "r", "end_time": 1.5}"#, #"{"run_id": "r", "status": "A", "status": "B"}"#] {
            #expect(Self.scanned(UpdateRunRequest.self, body) == nil, "should be left alone: \(body)")
        }
    }

    @Test("bodies the scanner is not sure of are left to JSONDecoder")
    func unusualBodies() {
        let bodies = [
            "",  // an empty body means {} to the general decoder
            "{not json",
            #"{"run_id": "r", "metrics": [}"#,
            #"{"run_id": "r",}"#,
            #"{"run_id": "r"} trailing"#,
            #"{"run_id": "r", "run_id": "s"}"#,  // a duplicated field
            #"{"run_id": "r", "metrics": [{"key": "m", "key": "n", "value": 1, "timestamp": 1}]}"#,
            #"{"run_id": 5}"#,  // a number where a string belongs: an error, worded by the general decoder
            #"{}"#,  // no run id: an error too
            #"{"run_id": "r", "metrics": [{"key": "m", "value": "1.5", "timestamp": 1}]}"#,  // a number as a string
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 1, "timestamp": "17"}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 1, "timestamp": 1e3}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 1, "timestamp": 1.0}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 1, "timestamp": 9223372036854775808}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 01, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 1e999, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": null, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "m", "value": 1}]}"#,  // no timestamp
            #"{"run_id": "r", "metrics": [null]}"#,
            #"{"run_id": "r", "params": [{"value": "v"}]}"#,  // no key
            #"{"run_id": "r", "params": [{"key": "k", "value": 3}]}"#,
            #"{"run_id": "r\ud800"}"#,  // a lone surrogate
            "{\"run_id\": \"r\u{01}\"}",  // an unescaped control character
            "{\"run_id\": \"r\", \"x\": " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
        ]
        for body in bodies {
            #expect(Self.scanned(LogBatchRequest.self, body) == nil, "should be left alone: \(body)")
        }
        let invalidUTF8: [UInt8] = Array(#"{"run_id": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(invalidUTF8.withUnsafeBytes { LogBatchRequest.scanned($0) } == nil)
    }

    @Test("random batches serialized by JSONSerialization read the same both ways")
    func randomBatches() throws {
        var random = SeededRandom(seed: 20261124)
        for round in 0..<200 {
            var metrics: [[String: Any]] = []
            for index in 0..<Int(random.next() % 20) {
                var metric: [String: Any] = [
                    "key": "m\(index % 3)", "timestamp": Int64(bitPattern: random.next()) / 2,
                    "value": Self.randomValue(&random),
                ]
                if random.next() % 2 == 0 { metric["step"] = Int64(bitPattern: random.next()) % 1_000_000 }
                metrics.append(metric)
            }
            let params: [[String: Any]] = (0..<Int(random.next() % 5)).map { ["key": "p\($0)", "value": Self.randomText(&random)] }
            let body: [String: Any] = ["run_id": "run-\(round)", "metrics": metrics, "params": params, "tags": []]
            let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            Self.expectSameBatch(text)
        }
    }

    private static func randomValue(_ random: inout SeededRandom) -> Any {
        switch random.next() % 6 {
        case 0: "NaN"
        case 1: Int(bitPattern: UInt(random.next() % 1000)) - 500
        default: Double(bitPattern: random.next() & 0x3FEF_FFFF_FFFF_FFFF) * (random.next() % 2 == 0 ? 1 : -1e6)
        }
    }

    private static func randomText(_ random: inout SeededRandom) -> String {
        let alphabet = Array("abc xyz\"\\/\n\t\u{7F}é😀\u{0}")
        return String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }
}
