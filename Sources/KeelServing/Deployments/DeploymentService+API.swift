import KeelCore
import KeelRegistry

/// The tunable parts of a deployment; nil means "the default" on create, "unchanged" on update.
public struct DeploymentSettings: Sendable {
    /// Follow the alias when it moves (default: true when the model names an alias).
    public var followAlias: Bool?
    /// The traffic policy (default: single).
    public var traffic: TrafficPolicy?
    /// Worker processes per version.
    public var workers: Int?
    /// Largest batch per worker frame.
    public var maxBatchSize: Int?
    /// Longest wait to fill a batch, milliseconds.
    public var maxBatchWaitMilliseconds: Int?
    /// What the inference log keeps of personal-data columns; an empty map clears them.
    public var sensitiveColumns: [String: SensitiveColumns.Treatment]?

    /// Creates settings.
    public init(
        followAlias: Bool? = nil, traffic: TrafficPolicy? = nil, workers: Int? = nil, maxBatchSize: Int? = nil,
        maxBatchWaitMilliseconds: Int? = nil, sensitiveColumns: [String: SensitiveColumns.Treatment]? = nil
    ) {
        self.sensitiveColumns = sensitiveColumns
        self.followAlias = followAlias
        self.traffic = traffic
        self.workers = workers
        self.maxBatchSize = maxBatchSize
        self.maxBatchWaitMilliseconds = maxBatchWaitMilliseconds
    }
}

/// What a user asks for when creating a deployment.
public struct DeploymentRequest: Sendable {
    /// The deployment's name.
    public var name: String
    /// `name@alias` or `name/version`.
    public var model: String
    /// Policy, workers and batching.
    public var settings: DeploymentSettings

    /// Creates a request.
    public init(name: String, model: String, settings: DeploymentSettings = DeploymentSettings()) {
        self.name = name
        self.model = model
        self.settings = settings
    }
}

/// A change to a deployment; nil fields stay as they are.
public struct DeploymentUpdate: Sendable {
    /// A new model reference (`name@alias` or `name/version`).
    public var model: String?
    /// Policy, workers and batching.
    public var settings: DeploymentSettings

    /// Creates an update.
    public init(model: String? = nil, settings: DeploymentSettings = DeploymentSettings()) {
        self.model = model
        self.settings = settings
    }
}

extension DeploymentService {
    /// Creates a deployment and starts its workers; returns at once with state `starting`.
    public func create(_ request: DeploymentRequest) async throws -> DeploymentState {
        try Deployment.validate(name: request.name)
        let reference = try ModelReference(parsing: request.model)
        let version = try await resolve(reference)
        let settings = request.settings
        let traffic = settings.traffic ?? .single
        try traffic.validate(primary: version)
        try await requireVersions(traffic.versions, of: reference.name)
        let now = Timestamp.nowMillis()
        let deployment = Deployment(
            name: request.name, modelName: reference.name, alias: reference.alias, primaryVersion: version,
            followAlias: reference.alias != nil && (settings.followAlias ?? true), traffic: traffic,
            runtime: try Self.runtime(settings, base: RuntimeConfiguration()),
            createdAt: now, updatedAt: now,
            sensitiveColumns: settings.sensitiveColumns.flatMap { $0.isEmpty ? nil : SensitiveColumns(columns: $0) }
        )
        try await store.insert(deployment)
        await reconcile()
        return state(of: deployment)
    }

    /// Every deployment with its state.
    public func list() async throws -> [DeploymentState] {
        try await store.all().map(state(of:))
    }

    /// One deployment with its state.
    public func get(_ name: String) async throws -> DeploymentState {
        state(of: try await store.get(name))
    }

    /// Changes model, policy or batching; the new version takes traffic once it is ready.
    public func update(_ name: String, _ update: DeploymentUpdate) async throws -> DeploymentState {
        let current = try await store.get(name)
        var reference: ModelReference?
        var resolvedVersion: Int64?
        if let model = update.model {
            let parsed = try ModelReference(parsing: model)
            reference = parsed
            resolvedVersion = try await resolve(parsed)
        }
        let modelName = reference?.name ?? current.modelName
        let settings = update.settings
        if let traffic = settings.traffic {
            try traffic.validate(primary: resolvedVersion ?? current.primaryVersion)
            try await requireVersions(traffic.versions, of: modelName)
        }
        let runtime = try Self.runtime(settings, base: current.runtime)
        let newModel: (reference: ModelReference, version: Int64)? = reference.flatMap { ref in resolvedVersion.map { (ref, $0) } }
        let updated = try await store.update(name, event: "updated") { stored in
            var next = stored
            if let newModel {
                next.modelName = newModel.reference.name
                next.alias = newModel.reference.alias
                next.primaryVersion = newModel.version
                next.followAlias = newModel.reference.alias != nil
            }
            if let followAlias = settings.followAlias { next.followAlias = followAlias && next.alias != nil }
            if let traffic = settings.traffic { next.traffic = traffic }
            if let columns = settings.sensitiveColumns {
                // The key stays, so hashes logged before and after the change still match.
                next.sensitiveColumns = columns.isEmpty ? nil : SensitiveColumns(columns: columns, key: stored.sensitiveColumns?.key)
            }
            next.runtime = runtime
            try next.traffic.validate(primary: next.primaryVersion)
            return next
        }
        await reconcile()
        return state(of: updated ?? current)
    }

    /// Makes the candidate (canary, shadow) or the chosen A/B variant the primary version.
    ///
    /// When the deployment follows an alias, the alias moves too, so the registry says what
    /// is in production.
    public func promote(_ name: String, version: Int64? = nil) async throws -> DeploymentState {
        let current = try await store.get(name)
        let promoted: Int64
        switch current.traffic {
        case .canary(let candidate, _), .shadow(let candidate):
            promoted = version ?? candidate
            guard promoted == candidate else {
                throw KeelError.invalidParameter("Deployment '\(name)' can only promote its candidate, version \(candidate).")
            }
        case .abTest(let variants, _):
            guard let version, variants.contains(where: { $0.version == version }) else {
                throw KeelError.invalidParameter(
                    "Deployment '\(name)' splits between versions \(variants.map { String($0.version) }.joined(separator: ", ")); say which to promote."
                )
            }
            promoted = version
        case .single:
            throw KeelError.invalidParameter("Deployment '\(name)' has no candidate to promote (its traffic policy is single).")
        }
        if current.followAlias, let alias = current.alias {
            try await registry.setAlias(name: current.modelName, alias: alias, version: promoted)
        }
        let updated = try await store.update(name, event: "promoted") { stored in
            var next = stored
            next.primaryVersion = promoted
            next.traffic = .single
            return next
        }
        await reconcile()
        return state(of: updated ?? current)
    }

    /// Drops the candidate or split: every request goes to the primary again.
    public func rollback(_ name: String) async throws -> DeploymentState {
        let current = try await store.get(name)
        guard current.traffic != .single else {
            throw KeelError.invalidParameter("Deployment '\(name)' has nothing to roll back (its traffic policy is single).")
        }
        let updated = try await store.update(name, event: "rolled_back") { stored in
            var next = stored
            next.traffic = .single
            return next
        }
        await reconcile()
        return state(of: updated ?? current)
    }

    /// Deletes a deployment; its workers drain and stop.
    public func delete(_ name: String) async throws {
        try await store.delete(name)
        await reconcile()
    }

    /// What happened to the deployment, oldest first.
    public func history(_ name: String) async throws -> [DeploymentEvent] {
        let events = try await store.events(name)
        if events.isEmpty { _ = try await store.get(name) }
        return events
    }

    // MARK: - Helpers

    private func resolve(_ reference: ModelReference) async throws -> Int64 {
        if let alias = reference.alias {
            return try await registry.version(name: reference.name, alias: alias).version
        }
        return try await registry.modelVersion(name: reference.name, version: reference.version!).version
    }

    private func requireVersions(_ versions: [Int64], of model: String) async throws {
        for version in versions {
            _ = try await registry.modelVersion(name: model, version: version)
        }
    }

    static func runtime(_ settings: DeploymentSettings, base: RuntimeConfiguration) throws -> RuntimeConfiguration {
        var runtime = base
        if let workers = settings.workers {
            guard (1...RuntimeConfiguration.Limits.maxWorkers).contains(workers) else {
                throw KeelError.invalidParameter("workers must be between 1 and \(RuntimeConfiguration.Limits.maxWorkers), got \(workers).")
            }
            runtime.workers = workers
        }
        if let maxBatchSize = settings.maxBatchSize {
            guard (1...RuntimeConfiguration.Limits.maxBatchSize).contains(maxBatchSize) else {
                throw KeelError.invalidParameter("max_batch_size must be between 1 and \(RuntimeConfiguration.Limits.maxBatchSize), got \(maxBatchSize).")
            }
            runtime.maxBatchSize = maxBatchSize
        }
        if let maxBatchWait = settings.maxBatchWaitMilliseconds {
            guard (0...RuntimeConfiguration.Limits.maxBatchWaitMilliseconds).contains(maxBatchWait) else {
                throw KeelError.invalidParameter(
                    "max_batch_wait_ms must be between 0 and \(RuntimeConfiguration.Limits.maxBatchWaitMilliseconds), got \(maxBatchWait)."
                )
            }
            runtime.maxBatchWaitMilliseconds = maxBatchWait
        }
        return runtime
    }

    /// The stored deployment with the state of this server's runtimes for it.
    func state(of deployment: Deployment) -> DeploymentState {
        var targets: [DeploymentState.TargetState] = []
        for version in deployment.versions {
            let runtime = runtimeFor(deployment: deployment, version: version)
            let status = runtime?.currentStatus
            targets.append(DeploymentState.TargetState(
                version: version, role: deployment.role(of: version), state: status?.state ?? .failed,
                workers: deployment.runtime.workers, readyWorkers: status?.readyWorkers ?? 0, restarts: status?.restarts ?? 0,
                message: status?.message ?? (runtime == nil ? unavailableReason : nil),
                workerPIDs: status?.workerPIDs ?? []
            ))
        }
        let primary = targets.first!
        let switching = pendingRoute(deployment.name) != nil
        let state: RuntimeState = switching || targets.contains { $0.state == .starting } ? .starting : primary.state
        var message = primary.state == .failed ? primary.message : targets.first { $0.state == .failed }?.message
        if switching, message == nil { message = "the previous versions answer until the new ones have loaded" }
        let serving: Int64? = switch routes.lookup(deployment.name) {
        case .route(let route): route.primary.version
        default: nil
        }
        return DeploymentState(deployment: deployment, state: state, message: message, targets: targets, servingVersion: serving)
    }
}
