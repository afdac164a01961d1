import KeelCore
import KeelTracking
import SQLKit

/// Answers lineage questions by joining registry and tracking: version → logged model → run →
/// params/metrics → datasets → code → deployments, and from a dataset digest back to versions.
public struct LineageService: Sendable {
    let registry: RegistryService
    let deployments: [any DeploymentDirectory]

    /// Creates the service; `deployments` are the serving parts that can say what is deployed.
    public init(registry: RegistryService, deployments: [any DeploymentDirectory] = []) {
        self.registry = registry
        self.deployments = deployments
    }

    /// The full lineage of one model version.
    public func lineage(name: String, version: Int64) async throws -> ModelVersionLineage {
        let modelVersion = try await registry.modelVersion(name: name, version: version)
        var loggedModel: LoggedModel?
        if let modelID = modelVersion.modelID {
            loggedModel = try? await registry.tracking.loggedModel(id: modelID, allowDeleted: true)
        }
        var run: Run?
        if let runID = modelVersion.runID ?? loggedModel?.sourceRunID {
            run = try? await registry.tracking.run(id: runID)
        }
        var served: [DeploymentReference] = []
        for directory in deployments {
            served += try await directory.deployments(servingModel: name, version: version)
        }
        return ModelVersionLineage(
            version: modelVersion,
            loggedModel: loggedModel,
            run: run,
            datasets: run?.inputs.datasetInputs ?? [],
            code: CodeVersion(tags: run?.tags ?? []),
            deployments: served
        )
    }

    /// The runs that used a dataset digest and the model versions they produced.
    public func lineage(datasetDigest digest: String) async throws -> DatasetLineage {
        let usages = try await registry.tracking.datasetUsages(digest: digest)
        let runIDs = Array(Set(usages.map(\.runID)))
        var versions: [ModelVersion] = []
        for chunk in runIDs.chunked(into: 200) where !chunk.isEmpty {
            let quoted = chunk.map { "'\($0)'" }.joined(separator: ", ")
            // Run ids are validated 32-hex strings from our own store; the filter parser binds them.
            versions += try await registry.searchModelVersions(
                filter: "run_id IN (\(quoted))", maxResults: RegistryLimits.maxVersions, orderBy: [], pageToken: nil
            ).versions
        }
        return DatasetLineage(digest: digest, usages: usages, modelVersions: versions)
    }
}
