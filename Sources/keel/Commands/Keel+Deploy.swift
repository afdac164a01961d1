import ArgumentParser
import Foundation

extension Keel {
    /// `keel deploy`: deployments of registered models on a running server.
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy registered model versions and steer their traffic (canary, A/B, shadow).",
            discussion: """
                A deployment serves a registry version on the server's own port:
                  keel deploy create churn --model churn@champion
                  curl -X POST http://127.0.0.1:5000/deployments/churn/invocations \\
                       -H 'Content-Type: application/json' -d '{"dataframe_split": …}'
                  (and the Open Inference Protocol at /v2/models/churn/infer)
                Try a new version on part of the traffic, then keep it or drop it:
                  keel deploy canary churn --version 4 --percent 10
                  keel deploy promote churn        # or: keel deploy rollback churn
                """,
            subcommands: [
                Create.self, List.self, Show.self, Delete.self, Canary.self, Split.self, Shadow.self, Promote.self,
                Rollback.self, History.self, Sensitive.self,
            ],
            defaultSubcommand: List.self
        )

        /// `keel deploy create`.
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Deploy a registered model version and wait until it answers.",
                discussion: """
                    With an alias, the deployment follows it: when champion moves to another
                    version, the deployment switches once the new version is loaded.
                      keel deploy create churn --model churn@champion
                      keel deploy create churn-pinned --model churn/3 --workers 4 --max-batch-size 128
                    """
            )

            @OptionGroup var options: ClientOptions

            @Argument(help: "The deployment's name (letters, digits, '-', '_', '.').")
            var name: String

            @Option(help: ArgumentHelp("The registered model: name@alias or name/version.", valueName: "model"))
            var model: String

            @Option(help: "Worker processes per version (each loads the model once).")
            var workers: Int?

            @Option(help: "The most requests sent to a worker at once.")
            var maxBatchSize: Int?

            @Option(help: ArgumentHelp("How long a free worker waits to fill a batch, in milliseconds.", valueName: "ms"))
            var maxBatchWaitMs: Int?

            @Flag(help: "Stay on the version the alias points at now, even when the alias moves.")
            var pin = false

            @Option(name: .customLong("sensitive"), help: ArgumentHelp(
                "A personal-data column and what the inference log keeps of it: COLUMN=redact or COLUMN=hash. Repeat for more.",
                valueName: "column=treatment"
            ))
            var sensitive: [String] = []

            @Flag(help: "Return at once instead of waiting until the model answers.")
            var noWait = false

            @Option(help: "Seconds to wait for the model to load.")
            var timeout: Double = 600

            func run() async throws {
                var body: [String: Any] = ["name": name, "model": model, "follow_alias": !pin]
                if let workers { body["workers"] = workers }
                if let maxBatchSize { body["max_batch_size"] = maxBatchSize }
                if let maxBatchWaitMs { body["max_batch_wait_ms"] = maxBatchWaitMs }
                if !sensitive.isEmpty { body["sensitive_columns"] = try SensitiveColumnsArgument.parse(sensitive) }
                let client = try options.client()
                var deployment = try await client.callKeel("POST", "deployments", body: body)["deployment"] as? [String: Any] ?? [:]
                if !noWait {
                    deployment = try await DeploymentWait.untilSettled(name, client: client, timeout: timeout, quiet: options.json)
                }
                try DeploymentOutput.show(deployment, options: options)
                if JSONValue.text(deployment["state"]) == "failed" { throw ExitCode.failure }
            }
        }

        /// `keel deploy list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List deployments with their versions, traffic and state.",
                discussion: "Example:\n  keel deploy list\n  keel deploy list --json | jq '.[].name'"
            )

            @OptionGroup var options: ClientOptions

            func run() async throws {
                let deployments = try await options.client().callKeel("GET", "deployments")["deployments"] as? [[String: Any]] ?? []
                if options.json {
                    try options.printJSON(deployments)
                    return
                }
                var table = TextTable(headers: ["NAME", "MODEL", "VERSION", "TRAFFIC", "STATE", "WORKERS"])
                for deployment in deployments {
                    let targets = deployment["targets"] as? [[String: Any]] ?? []
                    let ready = targets.reduce(0) { $0 + (JSONValue.int64($1["ready_workers"]) ?? 0) }
                    let total = targets.reduce(0) { $0 + (JSONValue.int64($1["workers"]) ?? 0) }
                    table.rows.append([
                        JSONValue.text(deployment["name"]), JSONValue.text(deployment["model"]),
                        JSONValue.text(deployment["primary_version"]), DeploymentOutput.traffic(deployment["traffic"]),
                        JSONValue.text(deployment["state"]), "\(ready)/\(total)",
                    ])
                }
                print(table.render())
            }
        }

        /// `keel deploy show`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one deployment: versions, traffic, workers, endpoints.")

            @OptionGroup var options: ClientOptions

            @Argument(help: "The deployment's name.")
            var name: String

            func run() async throws {
                let deployment = try await options.client().callKeel("GET", "deployments/\(name)")["deployment"] as? [String: Any] ?? [:]
                try DeploymentOutput.show(deployment, options: options)
            }
        }

        /// `keel deploy delete`.
        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a deployment; its workers finish what they hold and stop.",
                discussion: "Its history and inference log stay, for audit and monitoring."
            )

            @OptionGroup var options: ClientOptions

            @Argument(help: "The deployment's name.")
            var name: String

            func run() async throws {
                _ = try await options.client().callKeel("DELETE", "deployments/\(name)")
                if options.json {
                    try options.printJSON(["name": name, "deleted": true])
                } else {
                    print("Deleted deployment \(name).")
                }
            }
        }
    }
}
