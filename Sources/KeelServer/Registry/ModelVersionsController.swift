import Hummingbird
import KeelCore
import KeelRegistry
import KeelTracking

/// MLflow's `model-versions/*` endpoints.
struct ModelVersionsController<Context: RequestContext>: Sendable {
    let registry: RegistryService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("create", use: create)
        group.get("get", use: get)
        group.patch("update", use: update)
        group.post("transition-stage", use: transitionStage)
        group.delete("delete", use: delete)
        group.get("search", use: search)
        group.get("get-download-uri", use: downloadURI)
        group.post("set-tag", use: setTag)
        group.delete("delete-tag", use: deleteTag)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> ModelVersionResponse {
        let input = try await request.decodeMLflow(CreateModelVersionRequest.self, context: context)
        let version = try await registry.createModelVersion(
            name: input.name, source: input.source, runID: input.runID, modelID: input.modelID,
            tags: input.tags, runLink: input.runLink, description: input.description
        )
        return ModelVersionResponse(modelVersion: ModelVersionJSON(version))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> ModelVersionResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        return ModelVersionResponse(modelVersion: ModelVersionJSON(try await registry.modelVersion(name: input.name, version: input.version)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> ModelVersionResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        let version = try await registry.updateModelVersion(name: input.name, version: input.version, description: input.description)
        return ModelVersionResponse(modelVersion: ModelVersionJSON(version))
    }

    @Sendable func transitionStage(_ request: Request, context: Context) async throws -> ModelVersionResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        guard let stage = input.stage else { throw KeelError.invalidParameter("Missing value for required parameter 'stage'.") }
        let version = try await registry.transitionStage(
            name: input.name, version: input.version, stage: stage, archiveExisting: input.archiveExistingVersions
        )
        return ModelVersionResponse(modelVersion: ModelVersionJSON(version))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        try await registry.deleteModelVersion(name: input.name, version: input.version)
        return EmptyResponse()
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> PagedJSONResponse<ModelVersionJSON> {
        let input = try await request.decodeMLflow(RegistrySearchRequest.self, context: context)
        let (versions, next) = try await registry.searchModelVersions(
            filter: input.filter, maxResults: input.maxResults, orderBy: input.orderBy, pageToken: input.pageToken
        )
        return PagedJSONResponse(itemsKey: "model_versions", items: versions.map(ModelVersionJSON.init), nextPageToken: next)
    }

    @Sendable func downloadURI(_ request: Request, context: Context) async throws -> DownloadURIResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        return DownloadURIResponse(artifactUri: try await registry.downloadURI(name: input.name, version: input.version))
    }

    @Sendable func setTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        try await registry.setModelVersionTag(name: input.name, version: input.version, tag: KeyValue(key: try input.requiredKey(), value: input.value ?? ""))
        return EmptyResponse()
    }

    @Sendable func deleteTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ModelVersionRequest.self, context: context)
        try await registry.deleteModelVersionTag(name: input.name, version: input.version, key: try input.requiredKey())
        return EmptyResponse()
    }
}
