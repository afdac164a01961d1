import Hummingbird
import KeelCore
import KeelStore
import KeelTracking

/// MLflow 3's `logged-models` endpoints.
struct LoggedModelsController<Context: RequestContext>: Sendable {
    let tracking: TrackingService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("", use: create)
        group.post("search", use: search)
        group.get(":model_id", use: get)
        group.patch(":model_id", use: finalize)
        group.delete(":model_id", use: delete)
        group.patch(":model_id/tags", use: setTags)
        group.delete(":model_id/tags/:key", use: deleteTag)
        group.post(":model_id/params", use: logParams)
    }

    private func modelID(_ context: Context) throws -> String {
        try context.parameters.require("model_id")
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> LoggedModelResponse {
        let input = try await request.decodeMLflow(CreateLoggedModelRequest.self, context: context)
        let model = try await tracking.createLoggedModel(
            experimentID: input.experimentID, name: input.name, modelType: input.modelType,
            sourceRunID: input.sourceRunID, params: input.params, tags: input.tags
        )
        return LoggedModelResponse(model: LoggedModelJSON(model))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> LoggedModelResponse {
        let allowDeleted = request.queryValue("allow_deleted") == "true"
        return LoggedModelResponse(model: LoggedModelJSON(try await tracking.loggedModel(id: try modelID(context), allowDeleted: allowDeleted)))
    }

    @Sendable func finalize(_ request: Request, context: Context) async throws -> LoggedModelResponse {
        let input = try await request.decodeMLflow(FinalizeLoggedModelRequest.self, context: context)
        return LoggedModelResponse(model: LoggedModelJSON(try await tracking.finalizeLoggedModel(id: try modelID(context), status: input.status)))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EmptyResponse {
        try await tracking.deleteLoggedModel(id: try modelID(context))
        return EmptyResponse()
    }

    @Sendable func setTags(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(LoggedModelKeyValuesRequest.self, context: context)
        try await tracking.setLoggedModelTags(id: try modelID(context), tags: input.tags)
        return EmptyResponse()
    }

    @Sendable func deleteTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let rawKey = try context.parameters.require("key")
        try await tracking.deleteLoggedModelTag(id: try modelID(context), key: PercentDecoding.decode(rawKey) ?? rawKey)
        return EmptyResponse()
    }

    @Sendable func logParams(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(LoggedModelKeyValuesRequest.self, context: context)
        try await tracking.logLoggedModelParams(id: try modelID(context), params: input.params)
        return EmptyResponse()
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> PagedJSONResponse<LoggedModelJSON> {
        let input = try await request.decodeMLflow(SearchLoggedModelsRequest.self, context: context)
        let (models, next) = try await tracking.searchLoggedModels(
            experimentIDs: input.experimentIDs, filter: input.filter, datasets: input.datasets,
            maxResults: input.maxResults, orderBy: input.orderBy, pageToken: input.pageToken
        )
        return PagedJSONResponse(itemsKey: "models", items: models.map(LoggedModelJSON.init), nextPageToken: next)
    }
}
