import ArgumentParser
import Foundation
import KeelPipelines

extension Keel {
    /// `keel status`: which stages `keel run` would run, and why.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which pipeline stages are stale and why, against keel.lock.",
            discussion: """
                Hashes every stage's deps and outputs and compares them, its command and its params
                with what keel.lock recorded at the stage's last successful run. Nothing runs and
                nothing is written.
                  up to date   keel run would skip it
                  stale        keel run would run it (or restore it: "cached" means the run cache
                               already holds outputs for exactly these inputs)
                  waiting      unchanged itself, but a stage it waits for is stale
                Examples:
                  keel status
                  keel status -C examples/churn --json
                """
        )

        @Option(name: [.customShort("C"), .long], help: ArgumentHelp("The pipeline's directory (holding keel.yaml).", valueName: "dir"))
        var directory = "."

        @Flag(help: "Print JSON for programs instead of a table for people.")
        var json = false

        func run() throws {
            let workspace = try PipelineWorkspace(directory: URL(fileURLWithPath: directory))
            let states = try workspace.status()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(["stages": states]), as: UTF8.self))
                return
            }
            var table = TextTable(headers: ["STAGE", "STATE", "WHY"])
            for state in states {
                let label = state.state == .stale && state.cached ? "stale (cached)" : state.state.rawValue.replacingOccurrences(of: "_", with: " ")
                table.rows.append([state.stage, label, state.reasons.joined(separator: "; ")])
            }
            print(table.render())
            let stale = states.filter { $0.state != .upToDate }.count
            print(stale == 0 ? "\nEverything is up to date." : "\n\(stale) of \(states.count) stages would run or be restored by `keel run`.")
        }
    }
}
