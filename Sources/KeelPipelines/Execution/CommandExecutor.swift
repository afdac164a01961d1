import Foundation

/// A command stage's command, ready to run somewhere.
struct CommandJob: Sendable {
    var command: String
    /// The pipeline's directory: the command's working directory.
    var directory: URL
    /// Variables the command sees (the caller's environment locally; only Keel's and MLflow's on Ray).
    var environment: [String: String]
    var pipeline: String
    var stage: String
}

/// Where command stages run: a local subprocess or a job on a Ray cluster. Each runs the job to
/// its end, sends every output line to the stage's log as it comes, and stops the job when the
/// calling task is cancelled.
protocol CommandExecutor: Sendable {
    /// Runs the job; returns its exit status (0 for success). Throws when it cannot be started
    /// or followed; `CancellationError` when it was stopped.
    func run(_ job: CommandJob, log: StageLog) async throws -> Int32
}

/// `executor: local`: `/bin/sh -c` in its own process group (see ``ChildProcess``).
struct LocalExecutor: CommandExecutor {
    /// How long a command has to exit after SIGTERM before it gets SIGKILL.
    static let gracePeriod = Duration.seconds(5)

    func run(_ job: CommandJob, log: StageLog) async throws -> Int32 {
        let child = try ChildProcess(command: job.command, directory: job.directory.path, environment: job.environment) { line in log.write(line) }
        let status = await withTaskCancellationHandler {
            await child.waitForExit()
        } onCancel: {
            child.signalGroup(SIGTERM)
            Task {
                try? await Task.sleep(for: Self.gracePeriod)
                child.signalGroup(SIGKILL)
            }
        }
        try Task.checkCancellation()
        return status
    }
}
