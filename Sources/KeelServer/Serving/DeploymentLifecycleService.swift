import KeelServing
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The server's own address once it listens, so model workers can load `models:/` from it.
final class ServerAddressBox: Sendable {
    private struct State {
        var url: String?
        var cancelled = false
        var waiters: [CheckedContinuation<String?, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Called by the application when the server is bound; returns the URL.
    @discardableResult
    func resolve(_ port: Int?, host: String) -> String {
        // A wildcard address is not a destination: workers on this machine use loopback.
        let reachable = ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
        let url = "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port ?? 0)"
        let waiters = state.withLockedValue { state in
            state.url = url
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: url) }
        return url
    }

    /// Waits until the server listens; nil if the waiting task is cancelled first (the server
    /// never started listening, e.g. in tests that drive the router directly).
    func url() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let known: String?? = state.withLockedValue { state in
                    if let url = state.url { return .some(url) }
                    if state.cancelled { return .some(nil) }
                    state.waiters.append(continuation)
                    return nil
                }
                if let known { continuation.resume(returning: known) }
            }
        } onCancel: {
            let waiters = state.withLockedValue { state in
                state.cancelled = true
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: nil) }
        }
    }
}

/// Runs deployments for as long as the server runs: starts their workers once the server
/// listens, follows aliases, writes the inference log; on shutdown drains the workers and
/// flushes the log before the store closes (services stop in reverse order).
struct DeploymentLifecycleService: Service {
    let deployments: DeploymentService
    let python: String?
    /// False when the server only records (deployments change in the store, no workers start).
    let runsModels: Bool
    let serverAddress: ServerAddressBox
    /// With `--auth`, the workers load models from the server with this token.
    let internalToken: String?
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await deployments.inferenceLog.run() }
            if runsModels {
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        guard let url = await serverAddress.url() else { return }
                        let launch = Result {
                            var launch = try WorkerLaunchConfiguration.discover(python: python, trackingURI: url)
                            if let internalToken { launch.environment["MLFLOW_TRACKING_TOKEN"] = internalToken }
                            return launch
                        }
                        await deployments.start(launch: launch)
                        await deployments.watch()
                    }
                }
            }
            try? await gracefulShutdown()
            // Stop the watcher, drain the workers, then stop (and flush) the log writer.
            await deployments.shutdown()
            group.cancelAll()
        }
    }
}
