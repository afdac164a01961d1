public import Logging
import NIOCore
import NIOPosix

/// Starts model runtimes that share one worker socket and one event loop group.
///
/// One host per Keel process: `keel server` (deployments) and `keel serve` (one model) each
/// make one, and close it after their runtimes have drained.
public final class RuntimeHost: Sendable {
    /// How workers are started (interpreter, worker package, environment).
    public let launch: WorkerLaunchConfiguration
    private let listener: WorkerListener
    private let eventLoops: any EventLoopGroup
    private let logger: Logger

    private init(launch: WorkerLaunchConfiguration, listener: WorkerListener, eventLoops: any EventLoopGroup, logger: Logger) {
        self.launch = launch
        self.listener = listener
        self.eventLoops = eventLoops
        self.logger = logger
    }

    /// Opens the worker socket.
    public static func start(launch: WorkerLaunchConfiguration, logger: Logger) async throws -> RuntimeHost {
        let eventLoops = MultiThreadedEventLoopGroup.singleton
        let listener = try await WorkerListener.start(group: eventLoops, logger: logger)
        logger.debug("model workers connect to \(listener.socketPath)")
        return RuntimeHost(launch: launch, listener: listener, eventLoops: eventLoops, logger: logger)
    }

    /// Starts a runtime for `modelURI`; its workers load the model in the background.
    public func startRuntime(
        modelURI: String,
        configuration: RuntimeConfiguration,
        observer: (any RuntimeObserver)? = nil
    ) -> ModelRuntime {
        let runtime = ModelRuntime(
            modelURI: modelURI,
            configuration: configuration,
            launch: launch,
            listener: listener,
            eventLoops: eventLoops,
            observer: observer,
            logger: logger
        )
        runtime.start()
        return runtime
    }

    /// Closes the worker socket. Drain the runtimes first.
    public func close() async {
        await listener.close()
    }
}
