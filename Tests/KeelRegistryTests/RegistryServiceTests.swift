import KeelCore
import KeelRegistry
import KeelStore
import KeelTestSupport
import KeelTracking
import Testing

/// The registry's behaviour, run identically on every enabled database.
@Suite("Registry service")
struct RegistryServiceTests {
    /// A run with a dataset and a READY logged model, the way `mlflow.sklearn.log_model` leaves them.
    private func trainedModel(_ tracking: TrackingService) async throws -> (run: Run, model: LoggedModel) {
        let experiment = try await tracking.createExperiment(name: "exp-\(Identifiers.newHexID())", artifactLocation: nil, tags: [])
        let run = try await tracking.createRun(
            experimentID: experiment, userID: "ana", runName: "train", startTime: nil,
            tags: [KeyValue(key: "mlflow.source.git.commit", value: "abc123")]
        )
        try await tracking.logBatch(
            runID: run.info.runID, metrics: [Metric(key: "auc", value: 0.91, timestamp: 1, step: 0)],
            params: [KeyValue(key: "depth", value: "6")], tags: []
        )
        try await tracking.logInputs(
            runID: run.info.runID,
            datasets: [DatasetInput(
                dataset: Dataset(name: "churn", digest: "d1g35t", sourceType: "local", source: "{}", schema: nil, profile: nil),
                tags: [KeyValue(key: "mlflow.data.context", value: "training")]
            )],
            modelIDs: []
        )
        let model = try await tracking.createLoggedModel(
            experimentID: experiment, name: "model", modelType: nil, sourceRunID: run.info.runID, params: [], tags: []
        )
        _ = try await tracking.finalizeLoggedModel(id: model.modelID, status: .ready)
        return (try await tracking.run(id: run.info.runID), model)
    }

    @Test("versions from logged models and runs; unsafe sources refused", arguments: TestBackend.enabled)
    func versions(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let registry = RegistryService(store: store, tracking: tracking)
            let (run, model) = try await trainedModel(tracking)
            _ = try await registry.createRegisteredModel(name: "churn", tags: [KeyValue(key: "team", value: "risk")], description: "d")
            await #expect(throws: KeelError.self) { _ = try await registry.createRegisteredModel(name: "churn", tags: [], description: nil) }

            let first = try await registry.createModelVersion(
                name: "churn", source: "models:/\(model.modelID)", runID: nil, modelID: model.modelID, tags: [], runLink: nil, description: nil
            )
            #expect(first.version == 1 && first.runID == run.info.runID && first.storageLocation == model.artifactLocation)
            let second = try await registry.createModelVersion(
                name: "churn", source: "runs:/\(run.info.runID)/model", runID: run.info.runID, modelID: nil, tags: [], runLink: nil, description: nil
            )
            #expect(second.version == 2 && second.modelID == model.modelID)

            for unsafe in [
                "/etc/passwd", "file:///etc/passwd", "runs:/\(run.info.runID)/../../etc", "mlflow-artifacts:/0/other/artifacts",
                "http://evil/api/2.0/mlflow-artifacts/artifacts/../../x", "relative/path", "",
            ] {
                await #expect(throws: KeelError.self, "source \(unsafe)") {
                    _ = try await registry.createModelVersion(name: "churn", source: unsafe, runID: run.info.runID, modelID: nil, tags: [], runLink: nil, description: nil)
                }
            }
            let inside = try await registry.createModelVersion(
                name: "churn", source: run.info.artifactURI + "/model", runID: run.info.runID, modelID: nil, tags: [], runLink: nil, description: nil
            )
            #expect(inside.version == 3)

            try await registry.deleteModelVersion(name: "churn", version: 3)
            await #expect(throws: KeelError.self) { _ = try await registry.modelVersion(name: "churn", version: 3) }
            let fourth = try await registry.createModelVersion(
                name: "churn", source: "models:/churn/1", runID: nil, modelID: nil, tags: [], runLink: nil, description: nil
            )
            #expect(fourth.version == 4 && fourth.storageLocation == model.artifactLocation)
        }
    }

    @Test("aliases, stages, latest versions and events", arguments: TestBackend.enabled)
    func aliasesAndStages(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let registry = RegistryService(store: store, tracking: tracking)
            let (_, model) = try await trainedModel(tracking)
            _ = try await registry.createRegisteredModel(name: "m", tags: [], description: nil)
            for _ in 0..<3 {
                _ = try await registry.createModelVersion(name: "m", source: "models:/\(model.modelID)", runID: nil, modelID: nil, tags: [], runLink: nil, description: nil)
            }
            let cursor = try await registry.events(after: 0).last?.id ?? 0

            try await registry.setAlias(name: "m", alias: "champion", version: 1)
            try await registry.setAlias(name: "m", alias: "champion", version: 2)
            #expect(try await registry.version(name: "m", alias: "champion").version == 2)
            #expect(try await registry.modelVersion(name: "m", version: 2).aliases == ["champion"])
            await #expect(throws: KeelError.self) { try await registry.setAlias(name: "m", alias: "latest", version: 1) }
            await #expect(throws: KeelError.self) { try await registry.setAlias(name: "m", alias: "v3", version: 1) }
            await #expect(throws: KeelError.self) { try await registry.setAlias(name: "m", alias: "x", version: 99) }
            await #expect(throws: KeelError.self) { _ = try await registry.version(name: "m", alias: "nope") }
            try await registry.deleteAlias(name: "m", alias: "nope")

            _ = try await registry.transitionStage(name: "m", version: 1, stage: "production", archiveExisting: false)
            _ = try await registry.transitionStage(name: "m", version: 2, stage: "Production", archiveExisting: true)
            #expect(try await registry.modelVersion(name: "m", version: 1).currentStage == .archived)
            let latest = try await registry.latestVersions(name: "m", stages: [])
            #expect(Set(latest.map(\.version)) == [1, 2, 3])
            #expect(try await registry.latestVersions(name: "m", stages: ["production"]).map(\.version) == [2])

            let kinds = try await registry.events(after: cursor).map(\.kind)
            #expect(kinds == [.aliasSet, .aliasSet, .stageChanged, .stageChanged])
            let moved = try await registry.events(after: cursor)[1]
            #expect(moved.detail.contains("\"previous_version\":\"1\""))

            let renamed = try await registry.renameRegisteredModel(name: "m", newName: "m2")
            #expect(renamed.aliases == [ModelAlias(alias: "champion", version: 2)])
            await #expect(throws: KeelError.self) { _ = try await registry.registeredModel(name: "m") }
            try await registry.deleteRegisteredModel(name: "m2")
            await #expect(throws: KeelError.self) { _ = try await registry.registeredModel(name: "m2") }
        }
    }

    @Test("search models and versions; the prompt clause matches untagged models", arguments: TestBackend.enabled)
    func search(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let registry = RegistryService(store: store, tracking: tracking)
            let (run, model) = try await trainedModel(tracking)
            for name in ["alpha", "beta", "gamma"] {
                _ = try await registry.createRegisteredModel(name: name, tags: name == "beta" ? [KeyValue(key: "mlflow.prompt.is_prompt", value: "true")] : [], description: nil)
                _ = try await registry.createModelVersion(name: name, source: "models:/\(model.modelID)", runID: nil, modelID: nil, tags: [], runLink: nil, description: nil)
            }
            let visible = try await registry.searchRegisteredModels(
                filter: "tag.`mlflow.prompt.is_prompt` != 'true'", maxResults: nil, orderBy: [], pageToken: nil
            ).models.map(\.name)
            #expect(visible == ["alpha", "gamma"])
            // Without a prompt clause prompts stay hidden, as in MLflow.
            let page = try await registry.searchRegisteredModels(filter: nil, maxResults: 1, orderBy: ["name DESC"], pageToken: nil)
            #expect(page.models.map(\.name) == ["gamma"] && page.nextPageToken != nil)
            let rest = try await registry.searchRegisteredModels(filter: nil, maxResults: 1, orderBy: ["name DESC"], pageToken: page.nextPageToken)
            #expect(rest.models.map(\.name) == ["alpha"])
            let prompts = try await registry.searchRegisteredModels(filter: "tags.`mlflow.prompt.is_prompt` = 'true'", maxResults: nil, orderBy: [], pageToken: nil)
            #expect(prompts.models.map(\.name) == ["beta"])
            #expect(try await registry.searchModelVersions(filter: "run_id = '\(run.info.runID)'", maxResults: nil, orderBy: ["name ASC"], pageToken: nil).versions.map(\.name) == ["alpha", "beta", "gamma"])
            #expect(try await registry.searchModelVersions(filter: "name = 'beta'", maxResults: nil, orderBy: [], pageToken: nil).versions.count == 1)
            await #expect(throws: KeelError.self) { _ = try await registry.searchModelVersions(filter: "name = ", maxResults: nil, orderBy: [], pageToken: nil) }
        }
    }

    @Test("lineage joins version, logged model, run, datasets and code, both ways", arguments: TestBackend.enabled)
    func lineage(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let registry = RegistryService(store: store, tracking: tracking)
            let (run, model) = try await trainedModel(tracking)
            _ = try await registry.createRegisteredModel(name: "churn", tags: [], description: nil)
            _ = try await registry.createModelVersion(name: "churn", source: "models:/\(model.modelID)", runID: nil, modelID: model.modelID, tags: [], runLink: nil, description: nil)
            let lineage = try await LineageService(registry: registry).lineage(name: "churn", version: 1)
            #expect(lineage.loggedModel?.modelID == model.modelID)
            #expect(lineage.run?.info.runID == run.info.runID)
            #expect(lineage.run?.params == [KeyValue(key: "depth", value: "6")])
            #expect(lineage.datasets.map(\.dataset.digest) == ["d1g35t"])
            #expect(lineage.code.gitCommit == "abc123")
            #expect(lineage.deployments.isEmpty)

            let back = try await LineageService(registry: registry).lineage(datasetDigest: "d1g35t")
            #expect(back.usages.map(\.runID) == [run.info.runID] && back.usages.first?.context == "training")
            #expect(back.modelVersions.map(\.name) == ["churn"])
            #expect(try await LineageService(registry: registry).lineage(datasetDigest: "unknown").usages.isEmpty)
        }
    }
}
