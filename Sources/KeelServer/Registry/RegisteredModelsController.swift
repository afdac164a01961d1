import Hummingbird
import KeelCore
import KeelRegistry
import KeelTracking

/// MLflow's `registered-models/*` endpoints.
struct RegisteredModelsController<Context: RequestContext>: Sendable {
    let registry: RegistryService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("create", use: create)
        group.get("get", use: get)
        group.post("rename", use: rename)
        group.patch("update", use: update)
        group.delete("delete", use: delete)
        group.get("search", use: search)
        group.post("get-latest-versions", use: latestVersions)
        group.get("get-latest-versions", use: latestVersions)
        group.post("set-tag", use: setTag)
        group.delete("delete-tag", use: deleteTag)
        group.post("alias", use: setAlias)
        group.delete("alias", use: deleteAlias)
        group.get("alias", use: getByAlias)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> RegisteredModelResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        let model = try await registry.createRegisteredModel(name: input.name, tags: input.tags, description: input.description)
        return RegisteredModelResponse(registeredModel: RegisteredModelJSON(model))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> RegisteredModelResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        return RegisteredModelResponse(registeredModel: RegisteredModelJSON(try await registry.registeredModel(name: input.name)))
    }

    @Sendable func rename(_ request: Request, context: Context) async throws -> RegisteredModelResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        guard let newName = input.newName else { throw KeelError.invalidParameter("Missing value for required parameter 'new_name'.") }
        return RegisteredModelResponse(registeredModel: RegisteredModelJSON(try await registry.renameRegisteredModel(name: input.name, newName: newName)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> RegisteredModelResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        let model = try await registry.updateRegisteredModel(name: input.name, description: input.description)
        return RegisteredModelResponse(registeredModel: RegisteredModelJSON(model))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        try await registry.deleteRegisteredModel(name: input.name)
        return EmptyResponse()
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> PagedJSONResponse<RegisteredModelJSON> {
        let input = try await request.decodeMLflow(RegistrySearchRequest.self, context: context)
        let (models, next) = try await registry.searchRegisteredModels(
            filter: input.filter, maxResults: input.maxResults, orderBy: input.orderBy, pageToken: input.pageToken
        )
        return PagedJSONResponse(itemsKey: "registered_models", items: models.map(RegisteredModelJSON.init), nextPageToken: next)
    }

    @Sendable func latestVersions(_ request: Request, context: Context) async throws -> PagedJSONResponse<ModelVersionJSON> {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        let versions = try await registry.latestVersions(name: input.name, stages: input.stages)
        return PagedJSONResponse(itemsKey: "model_versions", items: versions.map(ModelVersionJSON.init), nextPageToken: nil)
    }

    @Sendable func setTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        try await registry.setRegisteredModelTag(name: input.name, tag: KeyValue(key: try input.requiredKey(), value: input.value ?? ""))
        return EmptyResponse()
    }

    @Sendable func deleteTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(RegisteredModelRequest.self, context: context)
        try await registry.deleteRegisteredModelTag(name: input.name, key: try input.requiredKey())
        return EmptyResponse()
    }

    @Sendable func setAlias(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(AliasRequest.self, context: context)
        guard let version = input.version else { throw KeelError.invalidParameter("Missing value for required parameter 'version'.") }
        try await registry.setAlias(name: input.name, alias: input.alias, version: version, justification: input.justification)
        return EmptyResponse()
    }

    @Sendable func deleteAlias(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(AliasRequest.self, context: context)
        try await registry.deleteAlias(name: input.name, alias: input.alias)
        return EmptyResponse()
    }

    @Sendable func getByAlias(_ request: Request, context: Context) async throws -> ModelVersionResponse {
        let input = try await request.decodeMLflow(AliasRequest.self, context: context)
        return ModelVersionResponse(modelVersion: ModelVersionJSON(try await registry.version(name: input.name, alias: input.alias)))
    }
}
