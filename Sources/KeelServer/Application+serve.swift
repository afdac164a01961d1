public import Hummingbird
import KeelCore
import KeelServing
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the `keel serve` application: one model behind MLflow's scoring protocol and OIP.
///
/// A drop-in for `mlflow models serve -m URI`: `/invocations`, `/ping`, `/health`, `/version`
/// at the root, `/v2/...` beside them, `/metrics` for Prometheus.
public func buildScoringApplication(_ configuration: ScoringServerConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "keel.serve")
    logger.logLevel = configuration.logLevel
    let launch = try WorkerLaunchConfiguration.discover(python: configuration.python, trackingURI: configuration.trackingURI)
    logger.info("model workers run \(launch.python) with keel_worker from \(launch.workerPackageDirectory)")
    let host = try await RuntimeHost.start(launch: launch, logger: logger)
    let metrics = ServingMetrics()
    let runtime = host.startRuntime(
        modelURI: configuration.modelURI,
        configuration: configuration.runtime,
        observer: metrics.observer(endpoint: configuration.name, version: SingleModelGateway.versionLabel(for: configuration.modelURI))
    )
    let gateway = SingleModelGateway(name: configuration.name, runtime: runtime, metrics: metrics)

    let router = Router(context: KeelRequestContext.self)
    router.add(middleware: MLflowErrorMiddleware())
    ScoringController(gateway: gateway, fixedEndpoint: configuration.name).addRoutes(to: router.group())
    // As `mlflow models serve`: the bare version, labelled JSON.
    router.get("version") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: HealthController<KeelRequestContext>.mlflowCompatibleVersion))
        )
    }
    OpenInferenceController(gateway: gateway, serverVersion: KeelBuild.version).addRoutes(to: router)
    PrometheusController(metrics: metrics).addRoutes(to: router)

    var app = Application(
        router: router,
        server: .http1PinnedToEventLoops(),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "keel"),
        eventLoopGroupProvider: .shared(HTTPEventLoops.group),
        logger: logger
    )
    app.addServices(ModelRuntimeService(runtime: runtime, host: host, logger: logger))
    return app
}

/// Reports when the model is ready, stops the server if it cannot be loaded, and drains the
/// workers after the server has stopped taking requests.
struct ModelRuntimeService: Service {
    let runtime: ModelRuntime
    let host: RuntimeHost
    let logger: Logger

    func run() async throws {
        let status = await cancelWhenGracefulShutdown {
            await runtime.waitUntilSettled(timeout: .seconds(runtime.configuration.loadTimeoutSeconds + 5))
        }
        switch status.state {
        case .ready:
            logger.info("model \(runtime.modelURI) is ready (\(status.model?.flavors.joined(separator: ", ") ?? ""))")
        case .failed:
            let message = status.message ?? "the model could not be loaded"
            logger.error("cannot serve \(runtime.modelURI): \(message)")
            await runtime.drainAndStop(grace: .seconds(1))
            await host.close()
            throw KeelError(.temporarilyUnavailable, message)
        default:
            break
        }
        try? await gracefulShutdown()
        await runtime.drainAndStop()
        await host.close()
    }
}
