import ArgumentParser

extension Keel {
    /// `keel experiments`: experiments on a running server.
    struct Experiments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look at experiments on a running Keel server.",
            subcommands: [List.self],
            defaultSubcommand: List.self
        )

        /// `keel experiments list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List experiments, newest first.",
                discussion: """
                    Examples:
                      keel experiments list
                      keel experiments list --filter "name LIKE 'churn%'" --all
                      keel experiments list --json | jq '.[].name'
                    """
            )

            @OptionGroup var options: ClientOptions

            @Option(help: "An MLflow experiment filter, e.g. \"name LIKE 'churn%'\" or \"tags.team = 'risk'\".")
            var filter: String?

            @Flag(help: "Include deleted experiments.")
            var all = false

            @Option(help: "The most experiments to show.")
            var limit = 1000

            func run() async throws {
                var body: [String: Any] = ["max_results": limit, "view_type": all ? "ALL" : "ACTIVE_ONLY"]
                if let filter { body["filter"] = filter }
                let answer = try await options.client().call("POST", "experiments/search", body: body)
                let experiments = answer["experiments"] as? [[String: Any]] ?? []
                if options.json {
                    try options.printJSON(experiments)
                    return
                }
                var table = TextTable(headers: ["ID", "NAME", "STAGE", "CREATED (UTC)", "ARTIFACTS"])
                for experiment in experiments {
                    table.rows.append([
                        JSONValue.text(experiment["experiment_id"]), JSONValue.text(experiment["name"]),
                        JSONValue.text(experiment["lifecycle_stage"]), TimeFormat.millis(experiment["creation_time"]),
                        JSONValue.text(experiment["artifact_location"]),
                    ])
                }
                print(table.render())
            }
        }
    }
}
