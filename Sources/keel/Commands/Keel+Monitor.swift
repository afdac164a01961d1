import ArgumentParser
import Foundation

extension Keel {
    /// `keel monitor`: a deployment's reference, drift, feedback, performance and alerts.
    struct Monitor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch a deployment: drift against its training data, real and estimated performance, alerts.",
            discussion: """
                Give the deployment its reference (the data it was trained on), then ask:
                  keel monitor reference churn train.csv        # or --from-lineage
                  keel monitor drift churn --window 1h
                  keel monitor feedback labels.csv              # request_id,label
                  keel monitor performance churn --window 7d --bucket 1d
                  keel monitor alert add churn --when "drift_share > 0.3" --window 1h --webhook https://hooks.example/keel
                  keel monitor report churn --window 24h --html report.html
                Windows: --window 1h (s, m, h, d, w), --last 1000 requests, or --start/--end
                in epoch milliseconds; --version 3 for one version's answers. See docs/monitoring.md.
                """,
            subcommands: [
                Reference.self, Settings.self, Drift.self, Feedback.self, Performance.self, Alert.self, Alerts.self, Report.self,
            ]
        )
    }
}

/// Which part of the inference log a monitoring command reads.
struct WindowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A trailing time window: 30m, 1h, 24h, 7d. Default: 24h.", valueName: "duration"))
    var window: String?

    @Option(help: ArgumentHelp("The newest N requests instead of a time window.", valueName: "n"))
    var last: Int?

    @Option(help: ArgumentHelp("Start of a time range, epoch milliseconds.", valueName: "ms"))
    var start: Int64?

    @Option(help: ArgumentHelp("End of a time range, epoch milliseconds.", valueName: "ms"))
    var end: Int64?

    @Option(help: "Only what this model version answered (shadow answers included).")
    var version: Int?

    /// The window as query parameters.
    var query: [String: String] {
        var query: [String: String] = [:]
        if let window { query["window"] = window }
        if let last { query["last"] = String(last) }
        if let start { query["start"] = String(start) }
        if let end { query["end"] = String(end) }
        if let version { query["version"] = String(version) }
        return query
    }
}

extension Keel.Monitor {
    /// `keel monitor reference`.
    struct Reference: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set or show a deployment's reference data (what drift compares with).",
            discussion: """
                  keel monitor reference churn train.csv          # upload CSV or JSON Lines (.jsonl)
                  keel monitor reference churn --from-lineage     # the served version's training dataset
                  keel monitor reference churn                    # show the stored profile
                Keel keeps the file in its artifact store and profiles it once.
                """
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: "The deployment.")
        var name: String

        @Argument(help: "A CSV or JSON Lines file to upload.")
        var file: String?

        @Flag(help: "Use the training dataset the served version's run logged (mlflow.log_input).")
        var fromLineage = false

        func validate() throws {
            if fromLineage && file != nil { throw ValidationError("Give a file or --from-lineage, not both.") }
        }

        func run() async throws {
            let client = try options.client()
            let path = "deployments/\(name)/reference"
            let answer: [String: Any]
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("Cannot read '\(file)'.")
                }
                let lines = file.hasSuffix(".jsonl") || file.hasSuffix(".ndjson")
                answer = try await client.uploadKeel("PUT", path, body: data, contentType: lines ? "application/x-ndjson" : "text/csv")
            } else if fromLineage {
                answer = try await client.callKeel("POST", path + "/from-lineage")
            } else {
                answer = try await client.callKeel("GET", path)
            }
            let reference = answer["reference"] as? [String: Any] ?? [:]
            if options.json { return try options.printJSON(reference) }
            MonitorOutput.printReference(reference)
        }
    }

    /// `keel monitor settings`.
    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change how a deployment's answers are read and its drift judged.",
            discussion: """
                  keel monitor settings churn --task classification --probability probability --positive-label 1
                  keel monitor settings churn --drift-share 0.3 --method psi
                Options not given keep their stored values.
                """
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: "The deployment.")
        var name: String

        @Option(help: "classification or regression (default: inferred from the predictions).")
        var task: String?

        @Option(help: "The field of object predictions holding the prediction (default: prediction).")
        var prediction: String?

        @Option(help: "The field holding the positive class's probability (default: probability).")
        var probability: String?

        @Option(help: "The class precision, recall, F1 and ROC-AUC are about (default: 1).")
        var positiveLabel: String?

        @Option(help: "The share of drifted columns at which the data set drifted (default: 0.5).")
        var driftShare: Double?

        @Option(help: "One drift test for every column: ks, chisquare, z, wasserstein, jensenshannon, psi.")
        var method: String?

        @Option(help: "One drift threshold for every column.")
        var threshold: Double?

        func run() async throws {
            let client = try options.client()
            let path = "deployments/\(name)/monitor"
            var settings = try await client.callKeel("GET", path)["monitor"] as? [String: Any] ?? [:]
            let changes: [String: Any?] = [
                "task": task, "prediction": prediction, "probability": probability, "positive_label": positiveLabel,
                "drift_share": driftShare, "method": method, "threshold": threshold,
            ]
            let given = changes.compactMapValues { $0 }
            if !given.isEmpty {
                settings.merge(given) { _, new in new }
                settings = try await client.callKeel("PUT", path, body: settings)["monitor"] as? [String: Any] ?? [:]
            }
            if options.json { return try options.printJSON(settings) }
            var table = TextTable(headers: ["SETTING", "VALUE"])
            for key in settings.keys.sorted() { table.rows.append([key, JSONValue.text(settings[key])]) }
            print(settings.isEmpty ? "Every setting is at its default." : table.render())
        }
    }
}
