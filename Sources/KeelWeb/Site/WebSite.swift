import KeelCore
public import KeelGovernance
public import KeelGenAI
public import KeelMonitoring
public import KeelPipelines
public import KeelRegistry
public import KeelServing
public import KeelStore
public import KeelTracking

/// Keel's web pages: experiments, runs, comparisons, the registry and lineage, deployments and
/// their monitoring, pipelines, GenAI traces, model cards and the audit log, server-rendered
/// with SVG charts drawn here. No front-end build and no CDN: everything the browser loads comes
/// from this binary, so the pages work offline.
///
/// Each page method reads what it needs through the parts' public services, with paged queries
/// (never a query per row), and answers a ``WebResponse``; the HTTP layer only decodes and encodes.
public struct WebSite: Sendable {
    let renderer: PageRenderer
    let tracking: TrackingService
    let registry: RegistryService
    let lineage: LineageService
    let artifacts: any ArtifactStore
    let deployments: DeploymentService
    let inferenceLog: InferenceLogReader
    let monitoring: MonitoringService
    let alerts: AlertService
    let cards: ModelCardService
    let auditLog: AuditLog
    let pipelines: PipelineService
    let traces: TraceService

    /// Parses every template; throws if one does not parse (a bug caught at start-up).
    public init(
        tracking: TrackingService, registry: RegistryService, lineage: LineageService, artifacts: any ArtifactStore,
        deployments: DeploymentService, inferenceLog: InferenceLogReader, monitoring: MonitoringService, alerts: AlertService,
        cards: ModelCardService, auditLog: AuditLog, pipelines: PipelineService, traces: TraceService
    ) throws {
        renderer = try PageRenderer()
        self.tracking = tracking
        self.registry = registry
        self.lineage = lineage
        self.artifacts = artifacts
        self.deployments = deployments
        self.inferenceLog = inferenceLog
        self.monitoring = monitoring
        self.alerts = alerts
        self.cards = cards
        self.auditLog = auditLog
        self.pipelines = pipelines
        self.traces = traces
    }

    /// The stylesheet, served at `/ui/static/keel.css`.
    public static let stylesheet = Stylesheet.css
    /// The script, served at `/ui/static/keel.js`.
    public static let script = Script.javascript
    /// The icon, served at `/ui/static/keel.svg`.
    public static let icon = Icon.svg

    /// A page for an error: its status from the error's code, its message in words.
    public func errorPage(_ error: any Error, viewer: Viewer) -> WebResponse {
        let keel = error as? KeelError
        let status = keel?.httpStatus ?? 500
        let message = keel?.message ?? "Something went wrong on the server; the log says more."
        let title = switch status {
        case 400: "That request is not valid"
        case 401: "Please sign in"
        case 403: "You may not see this"
        case 404: "Not found"
        default: "Something went wrong"
        }
        struct Context {
            var chrome: Chrome
            var message: String
        }
        return page(status: status, template: "error", Context(chrome: Chrome(title: title, section: .none, viewer: viewer), message: message))
    }

    /// The sign-in form, with an error after a failed attempt.
    public func loginPage(next: String, username: String = "", error: String? = nil) -> WebResponse {
        struct Context {
            var chrome: Chrome
            var next: String
            var username: String
            var error: String?
        }
        let context = Context(
            chrome: Chrome(title: "Sign in to Keel", section: .none, viewer: .everyone), next: Self.safeNext(next), username: username, error: error
        )
        // A failed attempt shows the form again with the reason, as a normal page.
        return page(template: "login", context)
    }

    /// Where to go after signing in: only a path on this site's pages, never another host.
    public static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/ui/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/ui/experiments" }
        return next
    }

    func page(status: Int = 200, template: String, _ context: Any) -> WebResponse {
        .page(status: status, html: renderer.render(context, template: template))
    }
}
