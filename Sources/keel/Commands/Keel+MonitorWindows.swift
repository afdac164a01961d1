import ArgumentParser
import Foundation

extension Keel.Monitor {
    /// `keel monitor drift`.
    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drift of a deployment's recent traffic against its reference, per feature and on predictions.",
            discussion: """
                The same tests and JSON as `keel drift`, on a window of the inference log:
                  keel monitor drift churn --window 1h
                  keel monitor drift churn --last 500 --method psi --json
                Exits with status 1 with --fail-on-drift when the data set drifted.
                """
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var window: WindowOptions

        @Argument(help: "The deployment.")
        var name: String

        @Option(help: "One test for every column: ks, chisquare, z, wasserstein, jensenshannon, psi.")
        var method: String?

        @Option(help: "One threshold for every column.")
        var threshold: Double?

        @Option(help: "The share of drifted columns at which the data set drifted.")
        var driftShare: Double?

        @Flag(help: "Exit with status 1 when the data set drifted (for scripts and CI).")
        var failOnDrift = false

        func run() async throws {
            var query = window.query
            if let method { query["method"] = method }
            if let threshold { query["threshold"] = String(threshold) }
            if let driftShare { query["drift_share"] = String(driftShare) }
            let answer = try await options.client().callKeel("GET", "deployments/\(name)/drift", query: query)
            if options.json {
                try options.printJSON(answer)
            } else {
                MonitorOutput.printDrift(answer)
            }
            let dataset = answer["dataset"] as? [String: Any]
            if failOnDrift, dataset?["dataset_drift"] as? Bool == true { throw ExitCode(1) }
        }
    }

    /// `keel monitor performance`.
    struct Performance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Real performance from feedback, and estimated performance before labels arrive, per version.",
            discussion: """
                  keel monitor performance churn --window 7d
                  keel monitor performance churn --window 7d --bucket 1d --json
                A canary and its primary are measured on the same traffic, side by side.
                """
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var window: WindowOptions

        @Argument(help: "The deployment.")
        var name: String

        @Option(help: ArgumentHelp("Also split the window into buckets of this size: 1h, 1d.", valueName: "duration"))
        var bucket: String?

        func run() async throws {
            var query = window.query
            if let bucket { query["bucket"] = bucket }
            let answer = try await options.client().callKeel("GET", "deployments/\(name)/performance", query: query)
            if options.json { return try options.printJSON(answer) }
            MonitorOutput.printPerformance(answer)
        }
    }

    /// `keel monitor report`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One report on a deployment: drift with histograms, performance over time, alerts.",
            discussion: """
                  keel monitor report churn --window 24h                    # summary in the terminal
                  keel monitor report churn --window 24h --html report.html # self-contained, no network
                  keel monitor report churn --window 24h --json
                """
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var window: WindowOptions

        @Argument(help: "The deployment.")
        var name: String

        @Option(help: ArgumentHelp("Write a self-contained HTML report to this file.", valueName: "file"))
        var html: String?

        @Option(help: ArgumentHelp("Performance bucket size for the chart (default: a twelfth of the window).", valueName: "duration"))
        var bucket: String?

        func run() async throws {
            let report = try await MonitorReport.fetch(
                client: try options.client(), deployment: name, window: window.query, bucket: bucket ?? defaultBucket
            )
            if let html {
                do {
                    try MonitorReportHTML.render(report).write(toFile: html, atomically: true, encoding: .utf8)
                } catch {
                    throw ValidationError("Cannot write the report to '\(html)': \(error.localizedDescription)")
                }
            }
            if options.json { return try options.printJSON(report.json) }
            MonitorOutput.printReport(report)
            if let html { print("\nReport written to \(html).") }
        }

        var defaultBucket: String {
            let text = window.window ?? "24h"
            guard let unit = text.last, let amount = Int(text.dropLast()) else { return "2h" }
            let seconds = amount * (["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800][unit] ?? 3600)
            return "\(max(seconds / 12, 1))s"
        }
    }
}
