public import KeelRegistry
public import KeelStore
public import Logging
import KeelCore

/// Deployments: the API behind `/api/2.0/keel/deployments` and `keel deploy`, and the loop
/// that keeps this server's worker pools in line with the stored deployments.
///
/// The `deployments` table is the truth; ``reconcile()`` makes the running runtimes and the
/// route table match it, so every replica sharing a database converges on the same state.
/// A new version takes traffic only once it is ready (the old route keeps answering until
/// then), and a retired runtime drains its queue before its workers stop.
public actor DeploymentService {
    let store: DeploymentStore
    let registry: RegistryService
    let metrics: ServingMetrics
    let log: InferenceLogWriter
    let logger: Logger
    let routes = RouteTable()
    /// The request path; safe to call from any task.
    public nonisolated let gateway: any InferenceGateway

    private var host: RuntimeHost?
    private var hostProblem: String? = "model workers have not been started yet"
    private var runtimes: [RuntimeKey: ModelRuntime] = [:]
    private var retiring: [Task<Void, Never>] = []
    /// Runtimes replaced in ``runtimes`` that an old route may still answer from.
    private var detached: [ModelRuntime] = []
    private var registryCursor: Int64?
    /// Routes waiting for their runtimes to load, by deployment; the old route answers meanwhile.
    private var pending: [String: DeploymentRoute] = [:]
    /// Set by ``shutdown()``: nothing starts any more.
    private var stopped = false

    /// The runtime this server runs for one version of a deployment, if any.
    func runtimeFor(deployment: Deployment, version: Int64) -> ModelRuntime? {
        runtimes[RuntimeKey(deployment: deployment.name, modelName: deployment.modelName, version: version)]
    }

    /// The route waiting to take over `deployment`, if its versions are still loading.
    func pendingRoute(_ deployment: String) -> DeploymentRoute? {
        pending[deployment]
    }

    /// Why deployments have no runtimes, when they cannot have any.
    var unavailableReason: String? { hostProblem }

    /// One runtime per deployment, model and version.
    struct RuntimeKey: Hashable {
        let deployment: String
        let modelName: String
        let version: Int64
    }

    /// Creates the service; call ``start(launch:)`` once the server knows its own address.
    public init(metadata: any MetadataStore, registry: RegistryService, metrics: ServingMetrics, logger: Logger) {
        self.store = DeploymentStore(store: metadata)
        self.registry = registry
        self.metrics = metrics
        self.logger = logger
        let log = InferenceLogWriter(store: metadata, metrics: metrics, logger: logger)
        self.log = log
        self.gateway = DeploymentGateway(routes: routes, metrics: metrics, log: log)
    }

    /// The writer that must run (``InferenceLogWriter/run()``) for the log to be written.
    public nonisolated var inferenceLog: InferenceLogWriter { log }

    // MARK: - Lifecycle

    /// Opens the worker socket and starts the stored deployments.
    ///
    /// `launch` failing (no Python found) leaves the server running: deployments then report
    /// the reason as their state instead.
    public func start(launch: Result<WorkerLaunchConfiguration, any Error>) async {
        do {
            host = try await RuntimeHost.start(launch: try launch.get(), logger: logger)
            hostProblem = nil
        } catch {
            hostProblem = "\(error)"
            logger.error("deployments cannot run models: \(error)")
        }
        await reconcile()
    }

    /// Follows aliases and reconciles every `interval` until cancelled.
    public func watch(interval: Duration = .seconds(1)) async {
        var lastFullPass = ContinuousClock.now
        while !Task.isCancelled {
            // Switch to a loaded version within a few milliseconds; re-read the store less often.
            try? await Task.sleep(for: .milliseconds(20))
            if Task.isCancelled { break }
            if ContinuousClock.now - lastFullPass >= interval {
                lastFullPass = ContinuousClock.now
                await followAliases()
                await reconcile()
            } else if pending.values.contains(where: { $0.hasSettled }) {
                await reconcile()
            }
        }
    }

    /// Drains every runtime and closes the worker socket.
    public func shutdown() async {
        stopped = true
        let all = Array(runtimes.values) + detached
        runtimes.removeAll()
        detached.removeAll()
        routes.replace(routes: [:], unavailable: [:])
        await withTaskGroup(of: Void.self) { group in
            for runtime in all { group.addTask { await runtime.drainAndStop() } }
        }
        for task in retiring { await task.value }
        await host?.close()
    }

    // MARK: - Reconciliation

    /// Makes the running runtimes and routes match the stored deployments.
    public func reconcile() async {
        guard !stopped else { return }
        let deployments: [Deployment]
        do {
            deployments = try await store.all()
        } catch {
            logger.error("cannot read deployments: \(error)")
            return
        }
        guard !stopped else { return }
        guard let host else {
            let reason = hostProblem ?? "model workers are not available"
            routes.replace(routes: [:], unavailable: Dictionary(uniqueKeysWithValues: deployments.map { ($0.name, reason) }))
            return
        }
        for deployment in deployments {
            for version in deployment.versions {
                let key = RuntimeKey(deployment: deployment.name, modelName: deployment.modelName, version: version)
                if let existing = runtimes[key], existing.configuration == deployment.runtime { continue }
                // A changed configuration gets a new runtime; the old one may still be routed to.
                if let outdated = runtimes[key] { detached.append(outdated) }
                runtimes[key] = host.startRuntime(
                    modelURI: "models:/\(deployment.modelName)/\(version)",
                    configuration: deployment.runtime,
                    observer: metrics.observer(endpoint: deployment.name, version: String(version))
                )
            }
        }
        let previous = routes.routes
        var next: [String: DeploymentRoute] = [:]
        for deployment in deployments {
            let bound = Dictionary(uniqueKeysWithValues: deployment.versions.map {
                ($0, runtimes[RuntimeKey(deployment: deployment.name, modelName: deployment.modelName, version: $0)]!)
            })
            let route = DeploymentRoute(deployment: deployment, runtimes: bound)
            // Keep answering from the old route until every runtime of the new one has settled.
            let settling = route.targets.contains { $0.runtime.currentStatus.state == .starting }
            if settling, let old = previous[deployment.name], !old.sameTargets(as: route) {
                next[deployment.name] = old
                pending[deployment.name] = route
            } else {
                next[deployment.name] = route
                pending[deployment.name] = nil
            }
        }
        pending = pending.filter { name, _ in deployments.contains { $0.name == name } }
        routes.replace(routes: next, unavailable: [:])

        let wanted = Set(deployments.flatMap { deployment in
            deployment.versions.map { RuntimeKey(deployment: deployment.name, modelName: deployment.modelName, version: $0) }
        })
        let routed = next.values.flatMap(\.targets).map(\.runtime)
        for (key, runtime) in runtimes where !wanted.contains(key) && !routed.contains(where: { $0 === runtime }) {
            runtimes[key] = nil
            retire(runtime)
        }
        for runtime in detached where !routed.contains(where: { $0 === runtime }) {
            retire(runtime)
        }
        detached.removeAll { runtime in !routed.contains { $0 === runtime } }
    }

    /// Stops a runtime after requests that already chose it have been answered.
    private func retire(_ runtime: ModelRuntime) {
        retiring.append(Task {
            // Requests that read the old route a moment ago still enqueue on it.
            try? await Task.sleep(for: .seconds(2))
            await runtime.drainAndStop()
        })
    }

    /// Moves deployments that follow an alias to the alias's current version.
    func followAliases() async {
        do {
            let cursor: Int64
            if let registryCursor {
                cursor = registryCursor
            } else {
                // First pass: aliases may have moved while the server was down.
                registryCursor = try await registry.latestEventID()
                try await followAll { _ in true }
                return
            }
            let events = try await registry.events(after: cursor)
            guard let last = events.last else { return }
            registryCursor = last.id
            let touched = Set(events.filter { [.aliasSet, .aliasDeleted].contains($0.kind) }.map(\.modelName))
            if !touched.isEmpty { try await followAll { touched.contains($0.modelName) } }
        } catch {
            logger.warning("cannot follow registry aliases: \(error)")
        }
    }

    private func followAll(where include: (Deployment) -> Bool) async throws {
        for deployment in try await store.all() where deployment.followAlias && include(deployment) {
            guard let alias = deployment.alias else { continue }
            guard let target = try? await registry.version(name: deployment.modelName, alias: alias) else {
                logger.warning("deployment \(deployment.name): alias \(deployment.modelName)@\(alias) is gone; keeping version \(deployment.primaryVersion)")
                continue
            }
            guard target.version != deployment.primaryVersion else { continue }
            logger.info("deployment \(deployment.name): \(deployment.modelName)@\(alias) moved to version \(target.version)")
            _ = try await store.update(deployment.name, event: "alias_followed") { current in
                guard current.primaryVersion != target.version else { return nil }
                var moved = current
                moved.primaryVersion = target.version
                // A policy that pointed at the new primary has nothing left to compare.
                if current.traffic.versions.contains(target.version) { moved.traffic = .single }
                return moved
            }
        }
    }
}

extension DeploymentRoute {
    /// Whether no runtime of the route is still loading.
    var hasSettled: Bool {
        targets.allSatisfy { $0.runtime.currentStatus.state != .starting }
    }

    /// Whether both routes answer from exactly the same runtimes.
    func sameTargets(as other: DeploymentRoute) -> Bool {
        targets.count == other.targets.count && zip(targets, other.targets).allSatisfy { $0.runtime === $1.runtime }
    }
}
