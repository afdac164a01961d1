import Foundation
public import Hummingbird
import KeelCore
import KeelStore
import KeelMonitoring
import KeelPipelines
import KeelGenAI
import KeelGovernance
import KeelRegistry
import KeelServing
import KeelTracking
import KeelWeb
import Logging
import ServiceLifecycle

/// Builds the Keel HTTP application: opens and migrates the stores, wires every part's routes.
///
/// Shared by `keel server` and the tests, so both run exactly the same server.
public func buildApplication(_ configuration: KeelServerConfiguration) async throws -> some ApplicationProtocol {
    let parts = try await buildServerParts(configuration)
    let serverAddress = parts.serverAddress
    var app = Application(
        router: parts.router,
        server: .http1PinnedToEventLoops(),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "keel"),
        onServerRunning: { channel in
            let url = serverAddress.resolve(channel.localAddress?.port, host: configuration.host)
            configuration.onListening?(url)
        },
        eventLoopGroupProvider: .shared(HTTPEventLoops.group),
        logger: parts.logger
    )
    app.addServices(parts.services)
    return app
}

/// A Keel server before it listens: every route, and the work that runs beside them.
struct KeelServerParts {
    let router: Router<KeelRequestContext>
    let services: [any Service]
    /// Filled in once the server listens (its own loopback calls need the port).
    let serverAddress: ServerAddressBox
    let logger: Logger
}

/// Opens and migrates the stores and wires every part; the tests read the router's routes.
func buildServerParts(_ configuration: KeelServerConfiguration) async throws -> KeelServerParts {
    var logger = Logger(label: "keel")
    logger.logLevel = configuration.logLevel

    if case .sqlite(let path) = configuration.database {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    let metadata = try await configuration.database.open(logger: logger)
    try await metadata.migrate()
    let artifacts = try await LocalArtifactStore(rootPath: configuration.artifactRoot)

    let tracking = TrackingService(store: metadata)
    let registry = RegistryService(store: metadata, tracking: tracking)
    let metrics = ServingMetrics()
    let deployments = DeploymentService(metadata: metadata, registry: registry, metrics: metrics, logger: logger)
    let monitoring = MonitoringService(
        store: metadata, artifacts: artifacts, deployments: deployments,
        registry: registry, logWriter: deployments.inferenceLog
    )
    let alerts = AlertService(monitoring: monitoring, metrics: AlertMetrics(registry: metrics.registry), logger: logger)
    let pipelines = PipelineService(store: metadata, logger: logger)
    let identities = IdentityService(store: metadata, bcryptCost: configuration.auth?.bcryptCost ?? 12)
    let permissions = PermissionService(store: metadata, defaultPermission: configuration.auth?.defaultPermission ?? .read)
    // The server's own loopback calls (pipeline runs, model workers loading models) carry this.
    let internalToken = configuration.auth == nil ? nil : "keel-internal-" + Identifiers.newHexID() + Identifiers.newHexID()
    if let auth = configuration.auth, let generated = try await identities.bootstrapAdmin(username: auth.adminUser, password: auth.adminPassword) {
        // Printed once, to the terminal, not to the log: it is never shown again.
        FileHandle.standardError.write(Data("""

            Keel created the admin user '\(auth.adminUser)' with this generated password (shown only now):
                \(generated)
            Sign in with it, or set KEEL_ADMIN_PASSWORD before the first start to choose one.


            """.utf8))
    }
    let router = try buildRouter(
        metadata: metadata, artifacts: artifacts, deployments: deployments, metrics: metrics, monitoring: monitoring, alerts: alerts,
        pipelines: pipelines, identities: identities, permissions: permissions, internalToken: internalToken
    )
    let serverAddress = ServerAddressBox()
    var services: [any Service] = [
        StoreService(store: metadata),
        DeploymentLifecycleService(
            deployments: deployments, python: configuration.python, runsModels: configuration.runsBackgroundWork,
            serverAddress: serverAddress, internalToken: internalToken, logger: logger
        ),
    ]
    if configuration.runsBackgroundWork {
        services.append(AlertEvaluationService(alerts: alerts))
        services.append(PipelineSchedulerService(pipelines: pipelines, serverAddress: serverAddress, internalToken: internalToken))
    }
    return KeelServerParts(router: router, services: services, serverAddress: serverAddress, logger: logger)
}

/// The router with every route Keel serves.
func buildRouter(
    metadata: any MetadataStore,
    artifacts: any ArtifactStore,
    deployments: DeploymentService,
    metrics: ServingMetrics,
    monitoring: MonitoringService,
    alerts: AlertService,
    pipelines: PipelineService,
    identities: IdentityService,
    permissions: PermissionService,
    internalToken: String?
) throws -> Router<KeelRequestContext> {
    let router = Router(context: KeelRequestContext.self)
    // First, so it also shapes the answers for unknown routes.
    router.add(middleware: MLflowErrorMiddleware())
    let audit = AuditLog(store: metadata)
    let traces = TraceService(store: metadata)
    let assessments = AssessmentService(store: metadata)
    let tracking = TrackingService(store: metadata)
    let registry = RegistryService(store: metadata, tracking: tracking)
    let genai = GenAIFeedbackService(store: metadata, registry: registry)
    let lineage = LineageService(registry: registry, deployments: [deployments])
    let site = try WebSite(
        tracking: tracking, registry: registry, lineage: lineage, artifacts: artifacts,
        deployments: deployments, inferenceLog: InferenceLogReader(store: metadata), monitoring: monitoring, alerts: alerts,
        cards: ModelCardService(registry: registry, artifacts: artifacts, deployments: deployments, monitoring: monitoring), auditLog: audit,
        pipelines: pipelines, traces: traces
    )
    // Inside the JSON error shaping and outside the auth checks: page errors become pages.
    router.add(middleware: WebErrorMiddleware(site: site, artifacts: artifacts))
    if let internalToken {
        router.add(middleware: AuthMiddleware(identities: identities, internalToken: internalToken))
        // Outside the permission check, so refused attempts are in the audit log too.
        router.add(middleware: AuditMiddleware(log: audit))
        router.add(middleware: AuthorizationMiddleware(
            permissions: permissions, resolver: ResourceResolver(tracking: tracking, alerts: alerts, traces: traces)
        ))
    }

    HealthController().addRoutes(to: router)
    for prefix in ["api/2.0/mlflow", "ajax-api/2.0/mlflow"] {
        let mlflow = router.group(RouterPath(prefix))
        ExperimentsController(tracking: tracking).addRoutes(to: mlflow.group("experiments"))
        RunsController(tracking: tracking).addRoutes(to: mlflow.group("runs"))
        MetricsController(tracking: tracking).addRoutes(to: mlflow.group("metrics"))
        LoggedModelsController(tracking: tracking).addRoutes(to: mlflow.group("logged-models"))
        RegisteredModelsController(registry: registry).addRoutes(to: mlflow.group("registered-models"))
        MLflowUsersController(identities: identities).addRoutes(to: mlflow.group("users"))
        ModelVersionsController(registry: registry).addRoutes(to: mlflow.group("model-versions"))
    }
    for prefix in ["api/3.0/mlflow", "ajax-api/3.0/mlflow"] {
        PermissionsController(permissions: permissions, identities: identities).addRoutes(v3: router.group(RouterPath(prefix)))
        TracesController(traces: traces).addRoutes(v3: router.group(RouterPath(prefix)))
        AssessmentsController(assessments: assessments).addRoutes(v3: router.group(RouterPath(prefix)))
    }
    AssessmentsController(assessments: assessments).addRoutes(keel: router.group("api/2.0/keel"))
    for prefix in ["api/2.0/mlflow", "ajax-api/2.0/mlflow"] {
        TracesController(traces: traces).addRoutes(v2: router.group(RouterPath(prefix)))
        GenAIFeedbackController(service: genai).addRoutes(mlflow: router.group(RouterPath(prefix)))
    }
    GenAIFeedbackController(service: genai).addRoutes(keel: router.group("api/2.0/keel/genai"))
    OTLPController(traces: traces).addRoutes(to: router)
    ArtifactsController(store: artifacts).addRoutes(to: router)
    LineageController(lineage: lineage, genai: genai)
        .addRoutes(to: router.group("api/2.0/keel/lineage"))
    DeploymentsController(service: deployments).addRoutes(to: router.group("api/2.0/keel/deployments"))
    MonitoringController(service: monitoring).addRoutes(to: router.group("api/2.0/keel/deployments"))
    FeedbackController(service: monitoring).addRoutes(to: router.group("api/2.0/keel/feedback"))
    AlertsController(service: alerts).addRoutes(to: router.group("api/2.0/keel/alerts"))
    PipelinesController(service: pipelines).addRoutes(to: router.group("api/2.0/keel/pipelines"))
    ModelCardsController(
        cards: ModelCardService(registry: registry, artifacts: artifacts, deployments: deployments, monitoring: monitoring), registry: registry
    ).addRoutes(to: router.group("api/2.0/keel/model-cards"))
    IdentityController(identities: identities).addRoutes(to: router.group("api/2.0/keel"))
    PermissionsController(permissions: permissions, identities: identities).addRoutes(keel: router.group("api/2.0/keel"))
    AuditController(log: audit).addRoutes(to: router.group("api/2.0/keel/audit"))
    InferenceLogController(reader: InferenceLogReader(store: metadata)).addRoutes(to: router.group("api/2.0/keel/inference-log"))
    ScoringController(gateway: deployments.gateway).addRoutes(to: router.group("deployments"))
    OpenInferenceController(gateway: deployments.gateway, serverVersion: KeelBuild.version).addRoutes(to: router)
    PrometheusController(metrics: metrics).addRoutes(to: router)
    WebController(
        site: site, artifacts: artifacts, identities: identities, permissions: internalToken == nil ? nil : permissions
    ).addRoutes(to: router)
    return router
}

/// Evaluates alert rules on their schedules while the server runs.
struct AlertEvaluationService: Service {
    let alerts: AlertService

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await alerts.run()
        }
    }
}

/// Keeps the metadata store open for as long as the server runs, and closes it after the
/// server has stopped taking requests (services stop in reverse order of starting).
struct StoreService: Service {
    let store: any MetadataStore

    func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
    }
}
