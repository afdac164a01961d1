import ArgumentParser
import Foundation
import KeelClient

extension Keel {
    /// `keel pipelines`: pipelines the server runs.
    struct Pipelines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register pipelines with a server that runs them on a schedule, on alerts, on new data or on request.",
            discussion: """
                The server runs a registered pipeline in its directory (on the server's machine)
                exactly as `keel run --server` would, one run at a time; more wait in the queue.
                  keel pipelines register examples/churn --schedule "0 3 * * *" --on-alert churn
                  keel pipelines run churn --follow
                  keel pipelines runs churn
                  keel pipelines logs churn 12
                  keel pipelines cancel churn 12
                """,
            subcommands: [Register.self, List.self, Show.self, Run.self, Runs.self, Logs.self, Cancel.self, Delete.self]
        )
    }
}

extension Keel.Pipelines {
    /// `keel pipelines register`.
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register the pipeline in a directory with the server, with its triggers.",
            discussion: """
                The directory must be readable by the server (it runs the stages there); its
                keel.yaml is checked now. Triggers:
                  --schedule CRON      five-field cron in UTC ("0 3 * * *", "*/15 * * * *", @daily)
                  --on-alert NAME      a firing alert on deployment NAME starts a run (retraining)
                  --on-dataset PATH    new content at PATH (a file or directory, relative to the
                                       pipeline) starts a run; checked every --dataset-poll seconds
                A run can always be started by hand: keel pipelines run NAME.
                """
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's directory (holding keel.yaml).")
        var directory: String

        @Option(help: "The pipeline's name. Default: the directory's name.")
        var name: String?

        @Option(help: ArgumentHelp("A cron schedule, in UTC.", valueName: "cron"))
        var schedule: String?

        @Option(help: ArgumentHelp("Start a run when an alert on this deployment fires (repeatable).", valueName: "deployment"))
        var onAlert: [String] = []

        @Option(help: ArgumentHelp("Start a run when this file or directory gets new content (repeatable).", valueName: "path"))
        var onDataset: [String] = []

        @Option(help: ArgumentHelp("Seconds between checks of --on-dataset paths.", valueName: "seconds"))
        var datasetPoll = 60

        @Option(help: "The tracking experiment. Default: the pipeline's name.")
        var experiment: String?

        @Option(help: "Stages that may run at once within a run. Default: the server's CPU cores.")
        var jobs: Int?

        @Option(help: ArgumentHelp(
            "Runs that may be active at once; more wait in the queue. Runs beyond the first work in a copy of the directory.",
            valueName: "n"
        ))
        var maxConcurrentRuns = 1

        func run() async throws {
            let absolute = URL(fileURLWithPath: directory).standardizedFileURL
            var settings: [String: Any] = [
                "on_alert": onAlert, "on_dataset": onDataset, "dataset_poll_seconds": datasetPoll, "max_concurrent_runs": maxConcurrentRuns,
            ]
            if let schedule { settings["schedule"] = schedule }
            if let experiment { settings["experiment"] = experiment }
            if let jobs { settings["jobs"] = jobs }
            let answer = try await options.client().callKeel("POST", "pipelines", body: [
                "name": name ?? absolute.lastPathComponent, "directory": absolute.path, "settings": settings,
            ])
            let pipeline = answer["pipeline"] as? [String: Any] ?? [:]
            if options.json { return try options.printJSON(pipeline) }
            print("Registered pipeline '\(pipeline["name"] ?? "")' at \(pipeline["directory"] ?? "").")
            print(PipelineOutput.triggers(pipeline))
        }
    }

    /// `keel pipelines list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the pipelines the server runs.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let pipelines = try await options.client().callKeel("GET", "pipelines")["pipelines"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(pipelines) }
            var table = TextTable(headers: ["NAME", "DIRECTORY", "TRIGGERS"])
            for pipeline in pipelines {
                table.rows.append([pipeline["name"] as? String ?? "", pipeline["directory"] as? String ?? "", PipelineOutput.triggers(pipeline)])
            }
            print(table.render())
        }
    }

    /// `keel pipelines show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a pipeline, its triggers and its latest runs.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's name.")
        var name: String

        func run() async throws {
            let client = try options.client()
            let pipeline = try await client.callKeel("GET", "pipelines/\(name)")["pipeline"] as? [String: Any] ?? [:]
            let runs = try await client.callKeel("GET", "pipelines/\(name)/runs", query: ["max_results": "10"])["runs"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(["pipeline": pipeline, "runs": runs]) }
            print("\(pipeline["name"] ?? "")  \(pipeline["directory"] ?? "")")
            print(PipelineOutput.triggers(pipeline))
            if let next = pipeline["next_scheduled_at"] { print("Next scheduled run: \(TimeFormat.millis(next)) UTC") }
            print("")
            print(PipelineOutput.runsTable(runs))
        }
    }

    /// `keel pipelines run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a run of a registered pipeline on the server.",
            discussion: """
                The run is queued and starts when no other run of the pipeline is running.
                  keel pipelines run churn
                  keel pipelines run churn --stage train --follow
                """
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's name.")
        var name: String

        @Option(help: "Run this stage and what it needs (repeatable). Default: all.")
        var stage: [String] = []

        @Flag(help: "Run every selected stage even when unchanged or cached.")
        var force = false

        @Flag(help: "Follow the run's progress until it ends; exit 1 if it did not succeed.")
        var follow = false

        func run() async throws {
            let client = try options.client()
            let run = try await client.callKeel("POST", "pipelines/\(name)/runs", body: ["stages": stage, "force": force])["run"] as? [String: Any] ?? [:]
            let id = run["run_id"] as? String ?? ""
            if !follow {
                if options.json { return try options.printJSON(run) }
                print("Queued run \(id) of '\(name)'. Follow it with: keel pipelines logs \(name) \(id) --follow")
                return
            }
            let status = try await PipelineOutput.follow(client: client, pipeline: name, run: id, json: options.json)
            if status != "succeeded" { throw ExitCode(1) }
        }
    }

    /// `keel pipelines runs`.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a pipeline's runs, newest first: how each was triggered and how it ended.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's name.")
        var name: String

        @Option(help: "How many runs to show.")
        var maxResults = 20

        func run() async throws {
            let runs = try await options.client().callKeel("GET", "pipelines/\(name)/runs", query: ["max_results": String(maxResults)])["runs"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(runs) }
            print(PipelineOutput.runsTable(runs))
        }
    }

    /// `keel pipelines logs`.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a pipeline run's progress and its commands' output.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's name.")
        var name: String

        @Argument(help: "The run's id.")
        var runID: String

        @Flag(help: "Keep following until the run ends.")
        var follow = false

        func run() async throws {
            let client = try options.client()
            if follow {
                _ = try await PipelineOutput.follow(client: client, pipeline: name, run: runID, json: options.json)
            } else {
                _ = try await PipelineOutput.printEvents(client: client, pipeline: name, run: runID, after: 0, json: options.json)
            }
        }
    }

    /// `keel pipelines cancel`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running pipeline run (its commands are stopped).")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's name.")
        var name: String

        @Argument(help: "The run's id.")
        var runID: String

        func run() async throws {
            let run = try await options.client().callKeel("POST", "pipelines/\(name)/runs/\(runID)/cancel", body: [:])["run"] as? [String: Any] ?? [:]
            if options.json { return try options.printJSON(run) }
            print("Run \(runID) of '\(name)': \(run["status"] as? String == "cancelled" ? "cancelled" : "stopping").")
        }
    }

    /// `keel pipelines delete`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unregister a pipeline and delete its run history (its files and tracking runs stay).")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The pipeline's name.")
        var name: String

        func run() async throws {
            _ = try await options.client().callKeel("DELETE", "pipelines/\(name)")
            if options.json { return try options.printJSON([:]) }
            print("Deleted pipeline '\(name)'.")
        }
    }
}
