import Foundation
import KeelCore
@testable import KeelPipelines
import Testing

@Suite("Gate report")
struct GateReportTests {
    /// A directory holding `files`, removed by the caller.
    static func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keel-gate-\(UUID().uuidString)")
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        return url
    }

    static let predictions = """
        customer_id,gender,churned,predicted
        1,female,1,1
        2,female,0,0
        3,male,1,1
        4,male,0,1
        5,female,1,0
        6,male,0,0
        """

    static func spec(_ yaml: String) throws -> GateSpec {
        let pipeline = try PipelineSpec(yaml: "stages:\n  gate:\n    gate:\n" + yaml.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
        guard case .gate(let gate)? = pipeline.stage("gate")?.kind else { throw KeelError.invalidParameter("no gate") }
        return gate
    }

    @Test("conditions and bias limits give one verdict with reasons")
    func verdict() throws {
        let directory = try Self.directory([
            "metrics/eval.json": #"{"accuracy": 0.81, "roc_auc": 0.84, "nested": {"f1": 0.5}, "flag": true}"#,
            "eval/predictions.csv": Self.predictions,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = try Self.spec("""
            metrics: metrics/eval.json
            conditions: [accuracy >= 0.8, roc_auc >= prev * 0.98, nested.f1 > 0.6, flag == 1]
            bias: {predictions: eval/predictions.csv, sensitive: gender, label: churned, prediction: predicted, disparate_impact_ratio: {min: 0.8}}
            """)
        let first = try GateReport(spec: spec, directory: directory, champion: nil)
        #expect(first.conditions.map(\.passed) == [true, true, false, false])
        #expect(first.conditions[1].detail.contains("no champion yet"))
        #expect(first.conditions[3].detail.contains("has no metric 'flag'"))
        // female selected 1 of 3, male 2 of 3: ratio 0.5 breaks the four-fifths rule.
        #expect(first.bias.map(\.passed) == [false])
        #expect(first.groups.map(\.group) == ["female", "male"])
        #expect(!first.passed)
        #expect(first.reasons.count == 3)

        let worse = try GateReport(spec: spec, directory: directory, champion: ["roc_auc": 0.90])
        #expect(worse.conditions[1].passed == false)
        #expect(worse.conditions[1].bound == 0.90 * 0.98)
    }

    @Test("missing or malformed files stop the gate with a reason")
    func badFiles() throws {
        let directory = try Self.directory(["metrics.json": "[1, 2]", "p.csv": "gender,churned,predicted\nf,1,2\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: KeelError.self) { try GateReport(spec: Self.spec("metrics: metrics.json\nconditions: [a > 1]"), directory: directory, champion: nil) }
        #expect(throws: KeelError.self) { try GateReport(spec: Self.spec("metrics: absent.json\nconditions: [a > 1]"), directory: directory, champion: nil) }
        let bias = "bias: {predictions: p.csv, sensitive: gender, label: churned, prediction: predicted, disparate_impact_ratio: {min: 0.8}}"
        #expect(throws: KeelError.self) { try GateReport(spec: Self.spec(bias), directory: directory, champion: nil) }
    }
}
