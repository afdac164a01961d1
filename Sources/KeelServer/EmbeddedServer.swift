public import Foundation
import Logging
import ServiceLifecycle

/// A Keel server started inside another command's process, on a free loopback port, so the
/// command can record into the embedded store through the same REST API a remote server has
/// (`keel run` without `--server`). It takes no signals; the command stops it when done.
public struct EmbeddedServer: Sendable {
    /// Where it listens: `http://127.0.0.1:PORT`.
    public let url: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Opens (and migrates) the store, starts the server and waits until it listens.
    public static func start(_ configuration: KeelServerConfiguration) async throws -> EmbeddedServer {
        var configuration = configuration
        let (listening, continuation) = AsyncThrowingStream.makeStream(of: String.self)
        configuration.onListening = { url in
            continuation.yield(url)
            continuation.finish()
        }
        let app = try await buildApplication(configuration)
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "keel.embedded")))
        let task = Task {
            do {
                try await group.run()
                continuation.finish(throwing: KeelServerStopped())
            } catch {
                continuation.finish(throwing: error)
                throw error
            }
        }
        for try await address in listening {
            guard let url = URL(string: address) else { break }
            return EmbeddedServer(url: url, group: group, task: task)
        }
        task.cancel()
        throw KeelServerStopped()
    }

    /// Stops taking requests, lets the ones in flight finish, flushes and closes the store.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// The embedded server ended before it could take requests.
struct KeelServerStopped: Error, CustomStringConvertible {
    var description: String { "The embedded Keel server stopped before it could take requests." }
}
