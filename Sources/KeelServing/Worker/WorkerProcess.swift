import Foundation
import Logging
import NIOConcurrencyHelpers

/// One running `python -m keel_worker` child process.
///
/// Its stderr is forwarded line by line to Keel's log (the worker prefixes its lines with
/// `keel-worker[<id>]`) and the last lines are kept, so a worker that dies before saying
/// hello (a broken interpreter, a missing package) can be explained to the user.
final class WorkerProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable; it is only touched in `launch`, `terminate`
    // and `kill`, which Foundation allows from any thread.
    private let process: Process
    private let stderrTail: StderrTail
    /// The child's process id.
    let pid: Int32

    private init(process: Process, stderrTail: StderrTail) {
        self.process = process
        self.stderrTail = stderrTail
        self.pid = process.processIdentifier
    }

    /// Starts a worker that will connect to `socketPath` once its model is loaded.
    ///
    /// `onExit` runs once, on a Foundation thread, with the exit status and the stderr tail.
    static func launch(
        _ launch: WorkerLaunchConfiguration,
        modelURI: String,
        workerID: Int,
        socketPath: String,
        logger: Logger,
        onExit: @escaping @Sendable (_ status: Int32, _ stderrTail: String) -> Void
    ) throws -> WorkerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launch.python)
        process.arguments = ["-m", "keel_worker", "--socket", socketPath, "--model-uri", modelURI, "--worker-id", String(workerID)]
        process.environment = launch.environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.standardError
        let pipe = Pipe()
        process.standardError = pipe
        let tail = StderrTail()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            for line in tail.append(data) {
                logger.info("\(line)")
            }
        }
        process.terminationHandler = { process in
            onExit(process.terminationStatus, tail.text)
        }
        do {
            try process.run()
        } catch {
            throw WorkerError.modelUnavailable("cannot start the Python interpreter \(launch.python): \(error.localizedDescription)")
        }
        return WorkerProcess(process: process, stderrTail: tail)
    }

    /// Asks the worker to finish its current request and exit (SIGTERM).
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Stops the worker at once (SIGKILL), for a worker that stopped answering.
    func kill() {
        if process.isRunning { _ = Foundation.kill(pid, SIGKILL) }
    }

    /// The worker's resident memory in bytes, read from `/proc` (nil where there is none).
    func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// The last lines a worker wrote to stderr, kept for error messages.
private final class StderrTail: Sendable {
    private static let keptLines = 20
    private let state = NIOLockedValueBox<(partial: Data, lines: [String])>((Data(), []))

    /// Adds bytes; returns the lines they completed.
    func append(_ data: Data) -> [String] {
        state.withLockedValue { state in
            state.partial.append(data)
            var completed: [String] = []
            while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: state.partial[state.partial.startIndex..<newline], as: UTF8.self)
                state.partial.removeSubrange(state.partial.startIndex...newline)
                completed.append(line)
            }
            state.lines.append(contentsOf: completed)
            if state.lines.count > Self.keptLines { state.lines.removeFirst(state.lines.count - Self.keptLines) }
            return completed
        }
    }

    /// The kept lines, newest last.
    var text: String {
        state.withLockedValue { state in
            (state.lines + [String(decoding: state.partial, as: UTF8.self)]).filter { !$0.isEmpty }.joined(separator: "\n")
        }
    }
}
