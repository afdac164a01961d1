import ArgumentParser
import Foundation
import KeelClient
import KeelPipelines
import KeelServer
import Logging

extension Keel {
    /// `keel run`: runs a pipeline here, caching every stage by content.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the pipeline in keel.yaml: only stages whose inputs changed, independent ones in parallel.",
            discussion: """
                A stage runs when its command, the content of its deps or its params changed since
                keel.lock recorded it, or an output is missing or was edited. A stage whose exact
                inputs ran before is restored from the run cache in .keel/cache instead of running.
                keel.lock is rewritten after each stage that succeeds. A failed stage (or a failed
                validate or gate stage) stops everything after it; independent stages go on.

                Each run is recorded as a tracking run with one nested run per stage (params,
                metrics, inputs by content hash, logs). With no --server (and no KEEL_SERVER), Keel
                records into its embedded store under --data-dir, as `keel server` would.
                Examples:
                  keel run                         # the whole pipeline in this directory
                  keel run train                   # train and what it needs
                  keel run -C examples/churn --jobs 4
                  keel run --server http://keel.internal:5000 --json
                  keel status                      # what would run, and why
                """
        )

        @Argument(help: "Stages to run, each with the stages it needs. Default: all.")
        var stages: [String] = []

        @Option(name: [.customShort("C"), .long], help: ArgumentHelp("The pipeline's directory (holding keel.yaml).", valueName: "dir"))
        var directory = "."

        @Option(name: [.short, .long], help: "How many stages may run at once. Default: the number of CPU cores.")
        var jobs: Int?

        @Flag(help: "Run every selected stage even when it is unchanged or in the run cache.")
        var force = false

        @Option(help: ArgumentHelp("The tracking experiment. Default: the pipeline directory's name.", valueName: "name"))
        var experiment: String?

        @Option(help: ArgumentHelp("The Keel server to record into. Default: $KEEL_SERVER, else the embedded store.", valueName: "url"))
        var server: String?

        @Option(help: ArgumentHelp("The embedded store's directory, when no server is given.", valueName: "path"))
        var dataDir = "./keel-data"

        @Flag(help: "Record nothing: run and cache only (register and deploy stages then fail).")
        var noTracking = false

        @Flag(help: "Do not show the commands' output (it is still in .keel/logs).")
        var quiet = false

        @Flag(help: "Print one JSON object per event for programs instead of lines for people.")
        var json = false

        func validate() throws {
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
            if noTracking && server != nil { throw ValidationError("--no-tracking and --server contradict each other; choose one.") }
        }

        func run() async throws {
            let workspace = try PipelineWorkspace(directory: URL(fileURLWithPath: directory))
            var options = PipelineRunOptions()
            options.targets = stages
            if let jobs { options.jobs = jobs }
            options.force = force
            options.experiment = experiment
            let selected = try workspace.selection(stages)
            let progress = PipelineProgress(json: json, quiet: quiet, stageNames: selected)

            let recording = try await Recording.start(server: server, dataDirectory: dataDir, disabled: noTracking)
            progress.say(header(workspace, selected: selected, options: options, recording: recording))
            let runner = PipelineRunner(
                workspace: workspace, options: options,
                services: recording.client.map { ServerPipelineServices(client: $0, directory: workspace.directory) },
                emit: progress.show
            )
            let result: PipelineResult
            do {
                result = try await InterruptibleTask.run { try await runner.run() }
            } catch {
                await recording.stop()
                throw error
            }
            await recording.stop()
            if let runID = result.runID {
                progress.say("Recorded as run \(runID) in experiment '\(options.experiment ?? workspace.name)' (\(recording.description)).")
            }
            if !result.succeeded { throw ExitCode(1) }
        }

        private func header(_ workspace: PipelineWorkspace, selected: [String], options: PipelineRunOptions, recording: Recording) -> String {
            let total = workspace.spec.stages.count
            let stagesText = selected.count == total
                ? "\(total) stage\(total == 1 ? "" : "s")" : "\(selected.count) of \(total) stages"
            return "Running \(stagesText) of '\(workspace.name)', up to \(options.jobs) at a time; recording \(recording.description)."
        }
    }
}

/// Where `keel run` records: a server it was given, an embedded one it starts, or nowhere.
struct Recording {
    let client: ServerClient?
    let embedded: EmbeddedServer?
    let description: String

    static func start(server: String?, dataDirectory: String, disabled: Bool) async throws -> Recording {
        if disabled { return Recording(client: nil, embedded: nil, description: "nothing (--no-tracking)") }
        if let address = server ?? ProcessInfo.processInfo.environment["KEEL_SERVER"] {
            guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--server must be an http(s) URL, got '\(address)'.")
            }
            return Recording(client: ServerClient(baseURL: url, authorization: ServerClient.authorization()), embedded: nil, description: "to \(address)")
        }
        var configuration = KeelServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, logLevel: .warning)
        configuration.runsBackgroundWork = false
        let embedded = try await EmbeddedServer.start(configuration)
        return Recording(client: ServerClient(baseURL: embedded.url), embedded: embedded, description: "into the embedded store in \(dataDirectory)")
    }

    func stop() async {
        await embedded?.stop()
    }
}
