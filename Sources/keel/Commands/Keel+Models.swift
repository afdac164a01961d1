import ArgumentParser
import Foundation

extension Keel {
    /// `keel models`: the model registry on a running server.
    struct Models: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look at and manage registered models on a running Keel server.",
            subcommands: [List.self, Show.self, Alias.self, Lineage.self],
            defaultSubcommand: List.self
        )

        /// `keel models list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List registered models with their aliases and newest version.",
                discussion: """
                    Examples:
                      keel models list
                      keel models list --filter "name LIKE 'churn%'"
                      keel models list --json | jq '.[].name'
                    """
            )

            @OptionGroup var options: ClientOptions

            @Option(help: "An MLflow registered-model filter, e.g. \"name LIKE 'churn%'\" or \"tags.team = 'risk'\".")
            var filter: String?

            @Option(help: "The most models to show (at most 1000).")
            var limit = 100

            func run() async throws {
                var query = ["max_results": String(limit)]
                if let filter { query["filter"] = filter }
                let answer = try await options.client().call("GET", "registered-models/search", query: query)
                let models = answer["registered_models"] as? [[String: Any]] ?? []
                if options.json {
                    try options.printJSON(models)
                    return
                }
                var table = TextTable(headers: ["NAME", "NEWEST", "ALIASES", "UPDATED (UTC)", "DESCRIPTION"])
                for model in models {
                    let versions = (model["latest_versions"] as? [[String: Any]] ?? []).compactMap { JSONValue.int64($0["version"]) }
                    let aliases = (model["aliases"] as? [[String: Any]] ?? []).map { "\(JSONValue.text($0["alias"]))→\(JSONValue.text($0["version"]))" }
                    table.rows.append([
                        JSONValue.text(model["name"]), versions.max().map(String.init) ?? "-",
                        aliases.isEmpty ? "-" : aliases.joined(separator: " "),
                        TimeFormat.millis(model["last_updated_timestamp"]), JSONValue.text(model["description"] ?? ""),
                    ])
                }
                print(table.render())
            }
        }

        /// `keel models show`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one registered model and all its versions.",
                discussion: "Example:\n  keel models show churn"
            )

            @OptionGroup var options: ClientOptions

            @Argument(help: "The registered model's name.")
            var name: String

            func run() async throws {
                let client = try options.client()
                let model = (try await client.call("GET", "registered-models/get", query: ["name": name]))["registered_model"] as? [String: Any] ?? [:]
                let filter = "name = '\(name.replacingOccurrences(of: "'", with: "\\'"))'"
                let versions = (try await client.call(
                    "GET", "model-versions/search", query: ["filter": filter, "order_by": "version_number DESC"]
                ))["model_versions"] as? [[String: Any]] ?? []
                if options.json {
                    var combined = model
                    combined["versions"] = versions
                    try options.printJSON(combined)
                    return
                }
                print("Model \(JSONValue.text(model["name"]))")
                if let description = model["description"] as? String, !description.isEmpty { print("  \(description)") }
                let aliases = (model["aliases"] as? [[String: Any]] ?? []).map { "\(JSONValue.text($0["alias"]))→\(JSONValue.text($0["version"]))" }
                print("  aliases: \(aliases.isEmpty ? "none" : aliases.joined(separator: ", "))")
                print("")
                var table = TextTable(headers: ["VERSION", "STAGE", "ALIASES", "RUN", "CREATED (UTC)", "SOURCE"])
                for version in versions {
                    let versionAliases = (version["aliases"] as? [String] ?? []).joined(separator: ",")
                    table.rows.append([
                        JSONValue.text(version["version"]), JSONValue.text(version["current_stage"]),
                        versionAliases.isEmpty ? "-" : versionAliases, JSONValue.text(version["run_id"]),
                        TimeFormat.millis(version["creation_timestamp"]), JSONValue.text(version["source"]),
                    ])
                }
                print(table.render())
            }
        }

        /// `keel models alias`.
        struct Alias: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Point an alias (e.g. champion) at a version, moving it if it exists.",
                discussion: """
                    Serving and loading code refer to aliases (models:/churn@champion), so moving
                    an alias is how a new version is promoted:
                      keel models alias churn champion 4
                    Remove an alias with --delete:
                      keel models alias churn challenger --delete
                    Aliases named in the model's keel.protected_aliases tag (e.g. "champion,production")
                    move only with a reason for the version's training and evaluation data, which
                    the model card then shows (see `keel card --help`):
                      keel models alias churn champion 4 --justification "Q3 data: covers the new pro plan"
                    """
            )

            @OptionGroup var options: ClientOptions

            @Argument(help: "The registered model's name.")
            var name: String

            @Argument(help: "The alias: letters, digits, '_' and '-'; not 'latest' or 'v<number>'.")
            var alias: String

            @Argument(help: "The version the alias should point at.")
            var version: String?

            @Option(help: "Why this version's training and evaluation data were used; required for protected aliases.")
            var justification: String?

            @Flag(help: "Remove the alias instead of setting it.")
            var delete = false

            func validate() throws {
                if delete == (version != nil) {
                    throw ValidationError(delete ? "Give no version with --delete." : "Give the version the alias should point at.")
                }
            }

            func run() async throws {
                let client = try options.client()
                if delete {
                    _ = try await client.call("DELETE", "registered-models/alias", body: ["name": name, "alias": alias])
                } else {
                    var body: [String: Any] = ["name": name, "alias": alias, "version": version ?? ""]
                    if let justification { body["justification"] = justification }
                    _ = try await client.call("POST", "registered-models/alias", body: body)
                }
                let result: [String: Any] = ["name": name, "alias": alias, "version": delete ? NSNull() : (version ?? "")]
                if options.json {
                    try options.printJSON(result)
                } else {
                    print(delete ? "Removed alias \(alias) from \(name)." : "\(name)@\(alias) now points at version \(version ?? "").")
                }
            }
        }

        /// `keel models lineage`.
        struct Lineage: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show where a model version came from: run, params, metrics, datasets, code, deployments.",
                discussion: "Example:\n  keel models lineage churn 3\n  keel models lineage churn 3 --json"
            )

            @OptionGroup var options: ClientOptions

            @Argument(help: "The registered model's name.")
            var name: String

            @Argument(help: "The version.")
            var version: String

            func run() async throws {
                let path = "lineage/model-versions/\(Self.escape(name))/\(Self.escape(version))"
                let answer = try await options.client().callKeel("GET", path)
                if options.json {
                    try options.printJSON(answer)
                    return
                }
                LineageReport(answer: answer).print()
            }

            static func escape(_ segment: String) -> String {
                segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
            }
        }
    }
}
