import KeelCore
public import KeelRegistry
public import KeelServing
public import KeelStore
import NIOCore

/// Watches deployments: reference data, drift over inference-log windows, ground truth and
/// performance (docs/monitoring.md). Alerts build on it (``AlertEvaluator``).
///
/// A value type over shared parts: every replica of the server answers the same from the
/// metadata store; the only local state is a cache of parsed reference tables.
public struct MonitoringService: Sendable {
    let store: any MetadataStore
    let artifacts: any ArtifactStore
    let deployments: DeploymentService
    let registry: RegistryService
    let lineage: LineageService
    let logWriter: InferenceLogWriter?
    let monitors: MonitorStore
    let windows: InferenceWindowReader
    let feedback: FeedbackStore
    let references = ReferenceCache()

    /// The largest reference file accepted (bytes).
    public static let maxReferenceBytes = 512 << 20

    /// Creates the service.
    ///
    /// - Parameter logWriter: flushed before feedback is matched, so a label sent right after
    ///   its prediction finds it even though the log is written in batches.
    public init(
        store: any MetadataStore, artifacts: any ArtifactStore, deployments: DeploymentService, registry: RegistryService,
        logWriter: InferenceLogWriter?
    ) {
        self.store = store
        self.artifacts = artifacts
        self.deployments = deployments
        self.registry = registry
        lineage = LineageService(registry: registry, deployments: [deployments])
        self.logWriter = logWriter
        monitors = MonitorStore(store: store)
        windows = InferenceWindowReader(store: store)
        feedback = FeedbackStore(store: store)
    }

    // MARK: Settings

    /// The settings of `deployment` (defaults when none were stored).
    public func settings(of deployment: String) async throws -> MonitorSettings {
        _ = try await deployments.get(deployment)
        return try await monitors.get(deployment)?.settings ?? MonitorSettings()
    }

    /// Replaces the settings of `deployment`.
    public func updateSettings(_ settings: MonitorSettings, of deployment: String) async throws -> MonitorSettings {
        try settings.validate()
        _ = try await deployments.get(deployment)
        try await monitors.saveSettings(settings, deployment: deployment)
        return settings
    }

    // MARK: Reference

    /// A stored reference as the API shows it.
    public struct ReferenceInfo: Sendable {
        /// The deployment.
        public var deployment: String
        /// `upload` or `lineage:<dataset>@<digest>`.
        public var source: String
        /// `csv` or `jsonl`.
        public var format: String
        /// When it was stored (epoch ms).
        public var createdAt: Int64
        /// Its profile.
        public var profile: ReferenceProfile
    }

    /// Stores `bytes` (CSV or JSON Lines) as the reference of `deployment` and profiles it.
    public func uploadReference(_ bytes: [UInt8], format: String, deployment: String) async throws -> ReferenceInfo {
        _ = try await deployments.get(deployment)
        return try await storeReference(bytes, format: format, source: "upload", deployment: deployment)
    }

    /// Makes the training dataset of the version `deployment` serves its reference.
    public func referenceFromLineage(deployment: String) async throws -> ReferenceInfo {
        let served = try await deployments.get(deployment).deployment
        let history = try await lineage.lineage(name: served.modelName, version: served.primaryVersion)
        let located = try LineageReference.locate(history)
        let path = try await artifactPath(of: located.location)
        guard case .file? = try await artifacts.kind(of: path) else {
            throw KeelError.invalidParameter(
                "The training dataset '\(path)' named by lineage is not a file in the artifact store. Upload a reference instead."
            )
        }
        let bytes = try await readAll(path)
        return try await storeReference(bytes, format: located.format, source: located.source, deployment: deployment)
    }

    /// The stored reference of `deployment`; RESOURCE_DOES_NOT_EXIST when it has none.
    public func reference(of deployment: String) async throws -> ReferenceInfo {
        _ = try await deployments.get(deployment)
        guard let monitor = try await monitors.get(deployment), let reference = monitor.reference else {
            throw KeelError.notFound(Self.noReference(deployment))
        }
        return ReferenceInfo(
            deployment: deployment, source: reference.source, format: reference.format, createdAt: reference.createdAt,
            profile: reference.profile
        )
    }

    static func noReference(_ deployment: String) -> String {
        "Deployment '\(deployment)' has no reference data: upload one (keel monitor reference \(deployment) FILE) or take it from lineage (--from-lineage)."
    }

    private func storeReference(_ bytes: [UInt8], format: String, source: String, deployment: String) async throws -> ReferenceInfo {
        guard bytes.count <= Self.maxReferenceBytes else {
            throw KeelError.invalidParameter("The reference is \(bytes.count) bytes; the limit is \(Self.maxReferenceBytes).")
        }
        let table = try DataTable.parse(bytes, format: format, name: "the reference")
        guard table.rowCount > 0 else { throw KeelError.invalidParameter("The reference has a header but no rows.") }
        let path = try ArtifactPath(validating: "_keel/monitoring").appending(deployment).appending("reference.\(format)")
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        _ = try await artifacts.write(path, from: AsyncStream { $0.yield(buffer); $0.finish() })
        let reference = StoredReference(path: path.string, format: format, source: source, profile: ReferenceProfile(table))
        try await monitors.saveReference(reference, deployment: deployment)
        await references.store(table, for: reference)
        return try await self.reference(of: deployment)
    }

    /// The artifact-store path of a lineage location (a run's artifacts live under its artifact URI).
    func artifactPath(of location: LineageReference.Location) async throws -> ArtifactPath {
        switch location {
        case .artifact(let path):
            return path
        case .run(let id, let relative):
            let run = try await registry.tracking.run(id: id)
            guard run.info.artifactURI.hasPrefix("mlflow-artifacts:") else {
                throw KeelError.invalidParameter("Run \(id) keeps its artifacts outside Keel's artifact store (\(run.info.artifactURI)).")
            }
            let root = try ArtifactPath(validating: String(run.info.artifactURI.dropFirst("mlflow-artifacts:".count).drop { $0 == "/" }))
            return try root.appending(relative.string)
        }
    }

    func readAll(_ path: ArtifactPath) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await artifacts.read(path) { chunk in
            guard bytes.count + chunk.readableBytes <= Self.maxReferenceBytes else {
                throw KeelError.invalidParameter("'\(path)' is larger than the reference limit of \(Self.maxReferenceBytes) bytes.")
            }
            bytes += chunk.readableBytesView
        }
        return bytes
    }

    /// The parsed reference table of a monitor, from the cache or the artifact store.
    func referenceTable(_ reference: StoredReference) async throws -> DataTable {
        if let cached = await references.table(for: reference) {
            return cached
        }
        let path = try ArtifactPath(validating: reference.path)
        let bytes = try await readAll(path)
        let table = try DataTable.parse(bytes, format: reference.format, name: "the reference")
        await references.store(table, for: reference)
        return table
    }
}

/// Parsed reference tables, so a drift read does not parse the same file each time.
///
/// An entry is used only while its profile matches the stored one, so a reference replaced
/// through another replica is read again.
actor ReferenceCache {
    private var tables: [String: (profile: ReferenceProfile, table: DataTable)] = [:]

    func table(for reference: StoredReference) -> DataTable? {
        guard let entry = tables[reference.path], entry.profile == reference.profile else { return nil }
        return entry.table
    }

    func store(_ table: DataTable, for reference: StoredReference) {
        if tables.count >= 64 { tables.removeAll() }
        tables[reference.path] = (reference.profile, table)
    }
}
