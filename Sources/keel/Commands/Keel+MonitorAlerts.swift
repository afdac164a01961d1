import ArgumentParser
import Foundation

extension Keel.Monitor {
    /// `keel monitor feedback`.
    struct Feedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send ground truth for logged predictions, from a CSV file.",
            discussion: """
                The file has a header with request_id and label, and optionally row (for
                requests that carried several rows):
                  request_id,label
                  0b6c…,1
                  keel monitor feedback labels.csv
                  keel monitor feedback churn labels.csv   # also checks every request is churn's
                Request ids are the X-Keel-Request-Id headers of the answers. Sending the same
                label again changes nothing; a different one is refused unless --replace.
                """
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("[DEPLOYMENT] FILE: a CSV file with request_id,label[,row], after an optional deployment name.", valueName: "deployment-or-file"))
        var arguments: [String]

        @Flag(help: "Correct labels sent before instead of refusing them.")
        var replace = false

        func validate() throws {
            guard (1...2).contains(arguments.count) else {
                throw ValidationError("Give the feedback file, optionally after the deployment name: keel monitor feedback [churn] labels.csv")
            }
        }

        func run() async throws {
            let items = try MonitorFeedbackFile.read(arguments.last!, replace: replace)
            let client = try options.client()
            var stored = 0, unchanged = 0
            for start in stride(from: 0, to: items.count, by: 10_000) {
                var body: [String: Any] = ["feedback": Array(items[start..<min(start + 10_000, items.count)])]
                if arguments.count == 2 { body["deployment"] = arguments[0] }
                let answer = try await client.callKeel("POST", "feedback", body: body)
                stored += (answer["stored"] as? NSNumber)?.intValue ?? 0
                unchanged += (answer["unchanged"] as? NSNumber)?.intValue ?? 0
            }
            if options.json { return try options.printJSON(["stored": stored, "unchanged": unchanged]) }
            print("Stored \(stored) label\(stored == 1 ? "" : "s"); \(unchanged) already known.")
        }
    }

    /// `keel monitor alert`.
    struct Alert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and remove alert rules.",
            discussion: """
                  keel monitor alert add churn --when "drift_share > 0.3" --window 1h --webhook https://hooks.example/keel
                  keel monitor alert add churn --when "estimated_accuracy < 0.8" --window 24h
                  keel monitor alert add churn --when "latency_p95_ms > 250" --window 15m --every 30s
                  keel monitor alert list churn
                  keel monitor alert delete 3
                Metrics: drift_share, drifted_columns, dataset_drift, drift.COLUMN, accuracy, precision,
                recall, f1, roc_auc, mae, rmse, r2, estimated_accuracy (…_precision, _recall, _f1,
                _roc_auc), latency_p50_ms, latency_p95_ms, latency_p99_ms, error_rate, requests.
                """,
            subcommands: [Add.self, List.self, Delete.self, Evaluate.self],
            defaultSubcommand: List.self
        )

        /// `keel monitor alert add`.
        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an alert rule, evaluated by the server on a schedule.")

            @OptionGroup var options: ClientOptions

            @Argument(help: "The deployment.")
            var name: String

            @Option(help: ArgumentHelp("The condition: METRIC OP NUMBER, e.g. \"drift_share > 0.3\".", valueName: "condition"))
            var when: String

            @Option(help: ArgumentHelp("The window each evaluation reads: 1h, 24h, or last=500.", valueName: "window"))
            var window: String = "1h"

            @Option(help: ArgumentHelp("POST each firing and resolution here (JSON).", valueName: "url"))
            var webhook: String?

            @Option(help: ArgumentHelp("How often to evaluate: 30s, 1m, 5m (at least 1s).", valueName: "duration"))
            var every: String = "1m"

            func run() async throws {
                var body: [String: Any] = ["deployment": name, "when": when, "window": window, "every": every]
                if let webhook { body["webhook"] = webhook }
                let rule = try await options.client().callKeel("POST", "alerts/rules", body: body)["rule"] as? [String: Any] ?? [:]
                if options.json { return try options.printJSON(rule) }
                print("Added alert rule \(JSONValue.text(rule["rule_id"])): \(JSONValue.text(rule["when"])) over \(window), every \(every).")
            }
        }

        /// `keel monitor alert list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List alert rules and their state.")

            @OptionGroup var options: ClientOptions

            @Argument(help: "Only this deployment's rules.")
            var name: String?

            func run() async throws {
                var query: [String: String] = [:]
                if let name { query["deployment"] = name }
                let rules = try await options.client().callKeel("GET", "alerts/rules", query: query)["rules"] as? [[String: Any]] ?? []
                if options.json { return try options.printJSON(rules) }
                MonitorOutput.printRules(rules)
            }
        }

        /// `keel monitor alert delete`.
        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete an alert rule (its past alerts stay).")

            @OptionGroup var options: ClientOptions

            @Argument(help: "The rule id.")
            var id: Int64

            func run() async throws {
                _ = try await options.client().callKeel("DELETE", "alerts/rules/\(id)")
                if options.json { return try options.printJSON(["deleted": id]) }
                print("Deleted alert rule \(id).")
            }
        }

        /// `keel monitor alert evaluate`.
        struct Evaluate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Evaluate an alert rule now and show its value and state.")

            @OptionGroup var options: ClientOptions

            @Argument(help: "The rule id.")
            var id: Int64

            func run() async throws {
                let answer = try await options.client().callKeel("POST", "alerts/rules/\(id)/evaluate")
                if options.json { return try options.printJSON(answer) }
                let value = answer["value"].map { JSONValue.text($0) } ?? "no data"
                print("Rule \(id): value \(value), state \(JSONValue.text(answer["state"])).")
            }
        }
    }

    /// `keel monitor alerts`.
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Alerts that fired and resolved, newest first, with their webhook delivery."
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: "Only this deployment's alerts.")
        var name: String?

        @Option(help: "How many to show.")
        var maxResults = 50

        func run() async throws {
            var query = ["max_results": String(maxResults)]
            if let name { query["deployment"] = name }
            let alerts = try await options.client().callKeel("GET", "alerts", query: query)["alerts"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(alerts) }
            MonitorOutput.printAlerts(alerts)
        }
    }
}
