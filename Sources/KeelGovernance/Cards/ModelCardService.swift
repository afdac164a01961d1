import Foundation
import KeelCore
public import KeelMonitoring
public import KeelRegistry
public import KeelServing
public import KeelStore
import KeelTracking

/// Builds model cards from what Keel already knows: the registry version, the run and pipeline
/// behind it (datasets by hash, validation and gate reports), the deployments serving it and
/// what monitoring has seen since. Nothing in a card is typed by hand except the `keel.card.*`
/// tags its owner sets on the registered model.
public struct ModelCardService: Sendable {
    let registry: RegistryService
    let artifacts: any ArtifactStore
    let deployments: DeploymentService
    let monitoring: MonitoringService

    /// The registered-model tags an owner fills in, by what they hold.
    public enum OwnerTag {
        public static let intendedUse = "keel.card.intended_use"
        public static let intendedUsers = "keel.card.intended_users"
        public static let outOfScopeUse = "keel.card.out_of_scope_use"
        public static let factors = "keel.card.factors"
        public static let ethicalConsiderations = "keel.card.ethical_considerations"
        public static let caveats = "keel.card.caveats"
        /// Every one of them, in card order.
        public static let all = [intendedUse, intendedUsers, outOfScopeUse, factors, ethicalConsiderations, caveats]
    }

    public init(registry: RegistryService, artifacts: any ArtifactStore, deployments: DeploymentService, monitoring: MonitoringService) {
        self.registry = registry
        self.artifacts = artifacts
        self.deployments = deployments
        self.monitoring = monitoring
    }

    /// The card of `name` version `version`.
    public func card(name: String, version: Int64) async throws -> ModelCard {
        let model = try await registry.registeredModel(name: name)
        let lineage = try await LineageService(registry: registry, deployments: [deployments]).lineage(name: name, version: version)
        let modelVersion = lineage.version
        let versionTags = Dictionary(modelVersion.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        let ownerTags = Dictionary(model.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        func owner(_ key: String) -> String? { ownerTags[key].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }

        let pipeline = try await pipelineEvidence(run: lineage.run, modelSHA256: versionTags["keel.model.sha256"])
        let runTags = Dictionary((lineage.run?.tags ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        var params = pipeline.parentParams
        for param in lineage.run?.params ?? [] { params[param.key] = param.value }
        var metrics: [String: Double] = [:]
        for metric in lineage.run?.metrics ?? [] where metric.value.isFinite { metrics[metric.key] = metric.value }

        let details = ModelCard.Details(
            name: name, version: version, description: modelVersion.description, modelDescription: model.description,
            createdAt: modelVersion.creationTimestamp, createdBy: modelVersion.userID, status: modelVersion.status,
            aliases: modelVersion.aliases.sorted(), source: modelVersion.source, runID: lineage.run?.info.runID,
            experimentID: lineage.run.map { String($0.info.experimentID) },
            pipeline: versionTags["keel.pipeline"] ?? runTags["keel.pipeline"], pipelineRunID: versionTags["keel.pipeline.run_id"] ?? pipeline.parentRunID,
            gitCommit: lineage.code.gitCommit ?? pipeline.gitCommit, gitRepo: lineage.code.gitRepoURL,
            modelSHA256: versionTags["keel.model.sha256"], params: params, code: pipeline.code
        )
        let sensitive = Array(Set(pipeline.gates.compactMap(\.sensitive))).sorted()
        return ModelCard(
            generatedAt: Timestamp.nowMillis(),
            modelDetails: details,
            intendedUse: ModelCard.IntendedUse(
                primaryUses: owner(OwnerTag.intendedUse), primaryUsers: owner(OwnerTag.intendedUsers), outOfScopeUses: owner(OwnerTag.outOfScopeUse)
            ),
            factors: ModelCard.Factors(relevantFactors: owner(OwnerTag.factors), sensitiveAttributes: sensitive),
            metrics: ModelCard.Metrics(values: metrics, gates: pipeline.gates, validations: pipeline.validations),
            evaluationData: pipeline.evaluationData,
            trainingData: pipeline.trainingData,
            dataJustification: versionTags[RegistryService.dataJustificationTag],
            quantitativeAnalyses: ModelCard.QuantitativeAnalyses(bias: pipeline.gates.filter { !$0.groups.isEmpty || !$0.bias.isEmpty }),
            deployments: try await deploymentEntries(lineage.deployments, version: version),
            ethicalConsiderations: owner(OwnerTag.ethicalConsiderations),
            caveatsAndRecommendations: owner(OwnerTag.caveats),
            changes: try await registry.events(model: name).map {
                ModelCard.Change(at: $0.createdAt, kind: $0.kind.rawValue, version: $0.version, detail: Self.readable($0.detail))
            },
            euAIAct: EUAIActMapping.sections,
            missing: OwnerTag.all.filter { owner($0) == nil }
        )
    }

    /// The deployments serving the version, each with its history and last 30 days of monitoring.
    private func deploymentEntries(_ references: [DeploymentReference], version: Int64) async throws -> [ModelCard.DeploymentEntry] {
        var entries: [ModelCard.DeploymentEntry] = []
        for reference in references.sorted(by: { $0.name < $1.name }) {
            let history = try await deployments.history(reference.name).map {
                ModelCard.Change(at: $0.createdAt, kind: $0.kind, version: $0.version, detail: Self.readable($0.detail))
            }
            entries.append(ModelCard.DeploymentEntry(
                name: reference.name, role: reference.role, trafficShare: reference.trafficShare, history: history,
                monitoring: await monitoringSummary(reference.name, version: version)
            ))
        }
        return entries
    }

    private func monitoringSummary(_ deployment: String, version: Int64) async -> ModelCard.Monitoring {
        let days: Int64 = 30
        let window = InferenceWindow(bound: .trailing(milliseconds: days * 86_400_000, text: "\(days)d"), version: String(version))
        var summary = ModelCard.Monitoring(window: "last \(days) days, version \(version)", performance: [:])
        do {
            let drift = try await monitoring.drift(deployment: deployment, window: window)
            summary.requests = drift.window.requests
            summary.errors = drift.window.errors
            summary.driftShare = drift.drift.share
            summary.driftedColumns = drift.drift.driftedColumns
            summary.driftDetected = drift.drift.detected
        } catch {
            summary.driftNote = Self.reason(error)
        }
        do {
            let performance = try await monitoring.performance(deployment: deployment, window: window)
            let slice = performance.versions.first { $0.version == String(version) } ?? performance.overall
            summary.labelled = slice.labelled
            summary.performance = slice.metrics.filter { $0.value.isFinite }
            if slice.labelled == 0 { summary.performanceNote = "no ground truth received yet (POST /api/2.0/keel/feedback)" }
        } catch {
            summary.performanceNote = Self.reason(error)
        }
        return summary
    }

    /// A JSON detail object as `key: value, ...`; other text as it is.
    static func readable(_ detail: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(detail.utf8))) as? [String: Any] else { return detail }
        return object.keys.sorted().map { key in
            let value = object[key].map { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue ?? String(describing: $0) } ?? ""
            return "\(key): \(value)"
        }.joined(separator: ", ")
    }

    static func reason(_ error: any Error) -> String {
        (error as? KeelError)?.message ?? String(describing: error)
    }
}
