import ArgumentParser
import Foundation
import KeelPipelines

extension Keel {
    /// `keel dag`: checks a pipeline's `keel.yaml` and shows its stages in run order.
    struct Dag: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a pipeline's keel.yaml and show its stages in the order they run.",
            discussion: """
                Reads keel.yaml (and the params file it names) in DIR, refuses mistakes with the
                stage and key named (unknown keys, paths leaving the directory, an output written
                by two stages, cycles, unknown parameters), and lists each stage with its kind,
                the stages it waits for, and what it writes. Stages that wait for nothing in
                common are independent. The pipeline language is described in docs/pipelines.md.
                Examples:
                  keel dag                      # the pipeline in this directory
                  keel dag examples/churn
                  keel dag examples/churn --json
                """
        )

        @Argument(help: "The pipeline's directory (holding keel.yaml).")
        var directory: String = "."

        @Flag(help: "Print JSON for programs instead of a table for people.")
        var json = false

        func run() throws {
            let root = URL(fileURLWithPath: directory)
            let file = root.appendingPathComponent("keel.yaml")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw ValidationError("No readable keel.yaml in '\(directory)'.")
            }
            let spec = try PipelineSpec(yaml: text)
            let paramsText = (try? String(contentsOf: root.appendingPathComponent(spec.paramsFile), encoding: .utf8)) ?? ""
            let params = try PipelineParams(yaml: paramsText, file: spec.paramsFile)
            var commands: [String: String] = [:]
            for stage in spec.stages {
                _ = try params.values(for: stage.params, stage: stage.name)
                if case .command(let command) = stage.kind { commands[stage.name] = try params.interpolate(command, stage: stage.name) }
            }
            let graph = PipelineGraph(spec)
            let stages = graph.order.map { spec.stage($0)! }
            if json {
                let object: [[String: Any]] = stages.map { stage in
                    var entry: [String: Any] = [
                        "name": stage.name, "kind": stage.kind.name, "waits_for": graph.upstream[stage.name]!.sorted(),
                        "deps": stage.inputs, "outs": stage.outs, "metrics": stage.metrics, "params": stage.params,
                    ]
                    if let command = commands[stage.name] { entry["cmd"] = command }
                    return entry
                }
                let data = try JSONSerialization.data(withJSONObject: ["stages": object], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            var table = TextTable(headers: ["#", "STAGE", "KIND", "WAITS FOR", "WRITES"])
            for (index, stage) in stages.enumerated() {
                let waits = graph.upstream[stage.name]!.sorted().joined(separator: ", ")
                table.rows.append(["\(index + 1)", stage.name, stage.kind.name, waits.isEmpty ? "-" : waits, stage.products.joined(separator: ", ")])
            }
            print(table.render())
        }
    }
}
