import Dispatch
import Foundation

/// Runs work that Ctrl-C (or SIGTERM) cancels instead of killing the process, so a pipeline run
/// can stop its commands' process groups and leave `keel.lock` consistent.
enum InterruptibleTask {
    static func run<Result: Sendable>(_ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let task = Task { try await work() }
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("Interrupted: stopping the running stages…\n".utf8))
                task.cancel()
            }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
        }
        return try await task.value
    }
}
