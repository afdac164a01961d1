import ArgumentParser
import KeelClient

extension Keel {
    /// `keel runs`: runs on a running server.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find and inspect runs on a running Keel server.",
            subcommands: [List.self, Show.self]
        )

        /// `keel runs list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the runs of an experiment, optionally filtered and ordered.",
                discussion: """
                    The filter is MLflow's search language: clauses joined by AND, over
                    metrics., params., tags., attributes. and datasets. — for example
                      keel runs list --experiment churn --filter "metrics.auc > 0.8 and params.model = 'xgb'"
                      keel runs list --experiment churn --order-by "metrics.auc DESC" --limit 5
                      keel runs list --experiment churn --filter "attributes.status = 'FAILED'" --json
                    """
            )

            @OptionGroup var options: ClientOptions

            @Option(help: "The experiment's name (or its numeric id).")
            var experiment: String

            @Option(help: "An MLflow run filter.")
            var filter: String?

            @Option(help: "Order, e.g. \"metrics.auc DESC\"; repeat for tie-breakers.")
            var orderBy: [String] = []

            @Option(help: "The most runs to show.")
            var limit = 100

            func run() async throws {
                let client = try options.client()
                let experimentID = try await resolveExperimentID(experiment, client: client)
                var body: [String: Any] = ["experiment_ids": [experimentID], "max_results": limit, "order_by": orderBy]
                if let filter { body["filter"] = filter }
                let answer = try await client.call("POST", "runs/search", body: body)
                let runs = answer["runs"] as? [[String: Any]] ?? []
                if options.json {
                    try options.printJSON(runs)
                    return
                }
                var table = TextTable(headers: ["RUN ID", "NAME", "STATUS", "STARTED (UTC)", "METRICS"])
                for run in runs {
                    let info = run["info"] as? [String: Any] ?? [:]
                    let metrics = (run["data"] as? [String: Any])?["metrics"] as? [[String: Any]] ?? []
                    let summary = metrics.prefix(4).map { "\(JSONValue.text($0["key"]))=\(JSONValue.text($0["value"]))" }
                    table.rows.append([
                        JSONValue.text(info["run_id"]), JSONValue.text(info["run_name"]), JSONValue.text(info["status"]),
                        TimeFormat.millis(info["start_time"]),
                        summary.joined(separator: " ") + (metrics.count > 4 ? " …" : ""),
                    ])
                }
                print(table.render())
            }
        }

        /// `keel runs show`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one run: its status, params, latest metrics, tags and datasets.",
                discussion: "Example:\n  keel runs show 1f0c9a7e5b2d4c3a9e8f7d6c5b4a3921"
            )

            @OptionGroup var options: ClientOptions

            @Argument(help: "The run's id (32 hex characters).")
            var runID: String

            func run() async throws {
                let answer = try await options.client().call("GET", "runs/get", query: ["run_id": runID])
                let run = answer["run"] as? [String: Any] ?? [:]
                if options.json {
                    try options.printJSON(run)
                    return
                }
                let info = run["info"] as? [String: Any] ?? [:]
                let data = run["data"] as? [String: Any] ?? [:]
                print("Run \(JSONValue.text(info["run_id"])) — \(JSONValue.text(info["run_name"]))")
                print("  experiment \(JSONValue.text(info["experiment_id"])), status \(JSONValue.text(info["status"])), stage \(JSONValue.text(info["lifecycle_stage"]))")
                print("  started \(TimeFormat.millis(info["start_time"])), ended \(TimeFormat.millis(info["end_time"]))")
                print("  artifacts \(JSONValue.text(info["artifact_uri"]))")
                printSection("Params", data["params"], columns: ["KEY", "VALUE"]) { [JSONValue.text($0["key"]), JSONValue.text($0["value"])] }
                printSection("Metrics (latest)", data["metrics"], columns: ["KEY", "VALUE", "STEP"]) {
                    [JSONValue.text($0["key"]), JSONValue.text($0["value"]), JSONValue.text($0["step"])]
                }
                printSection("Tags", data["tags"], columns: ["KEY", "VALUE"]) { [JSONValue.text($0["key"]), JSONValue.text($0["value"])] }
                let inputs = (run["inputs"] as? [String: Any])?["dataset_inputs"]
                printSection("Datasets", inputs, columns: ["NAME", "DIGEST", "SOURCE TYPE"]) {
                    let dataset = $0["dataset"] as? [String: Any] ?? [:]
                    return [JSONValue.text(dataset["name"]), JSONValue.text(dataset["digest"]), JSONValue.text(dataset["source_type"])]
                }
            }

            private func printSection(_ title: String, _ value: Any?, columns: [String], row: ([String: Any]) -> [String]) {
                let items = value as? [[String: Any]] ?? []
                guard !items.isEmpty else { return }
                print("\n\(title):")
                print(TextTable(headers: columns, rows: items.map(row)).render())
            }
        }
    }
}

/// The numeric id of an experiment given by name or id.
func resolveExperimentID(_ nameOrID: String, client: ServerClient) async throws -> String {
    if Int64(nameOrID) != nil { return nameOrID }
    let answer = try await client.call("GET", "experiments/get-by-name", query: ["experiment_name": nameOrID])
    guard let id = (answer["experiment"] as? [String: Any])?["experiment_id"] as? String else {
        throw ServerClient.Failure(description: "Experiment '\(nameOrID)' not found.")
    }
    return id
}
