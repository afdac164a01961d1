import KeelServing
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The server's own address once it listens, so model workers can load `models:/` from it.
final class ServerAddressBox: Sendable {
    private let state = NIOLockedValueBox<(url: String?, waiters: [CheckedContinuation<String, Never>])>((nil, []))

    /// Called by the application when the server is bound.
    func resolve(_ port: Int?, host: String) {
        // A wildcard address is not a destination: workers on this machine use loopback.
        let reachable = ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
        let url = "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port ?? 0)"
        let waiters = state.withLockedValue { state in
            state.url = url
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: url) }
    }

    /// Waits until the server listens.
    func url() async -> String {
        await withCheckedContinuation { continuation in
            let known = state.withLockedValue { state in
                if state.url == nil { state.waiters.append(continuation) }
                return state.url
            }
            if let known { continuation.resume(returning: known) }
        }
    }
}

/// Runs deployments for as long as the server runs: starts their workers once the server
/// listens, follows aliases, writes the inference log; on shutdown drains the workers and
/// flushes the log before the store closes (services stop in reverse order).
struct DeploymentLifecycleService: Service {
    let deployments: DeploymentService
    let python: String?
    let serverAddress: ServerAddressBox
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await deployments.inferenceLog.run() }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    let url = await serverAddress.url()
                    let launch = Result { try WorkerLaunchConfiguration.discover(python: python, trackingURI: url) }
                    await deployments.start(launch: launch)
                    await deployments.watch()
                }
            }
            try? await gracefulShutdown()
            // Stop the watcher, drain the workers, then stop (and flush) the log writer.
            await deployments.shutdown()
            group.cancelAll()
        }
    }
}
