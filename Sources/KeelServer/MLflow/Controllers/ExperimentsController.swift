import Hummingbird
import KeelCore
import KeelTracking

/// MLflow's `experiments/*` endpoints. Handlers decode, call ``TrackingService``, encode.
struct ExperimentsController<Context: RequestContext>: Sendable {
    let tracking: TrackingService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("create", use: create)
        group.get("get", use: get)
        group.get("get-by-name", use: getByName)
        group.post("search", use: search)
        group.get("search", use: search)
        group.post("update", use: update)
        group.post("delete", use: delete)
        group.post("restore", use: restore)
        group.post("set-experiment-tag", use: setTag)
        group.post("delete-experiment-tag", use: deleteTag)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> CreateExperimentResponse {
        let input = try await request.decodeMLflow(CreateExperimentRequest.self, context: context)
        let id = try await tracking.createExperiment(name: input.name, artifactLocation: input.artifactLocation, tags: input.tags)
        return CreateExperimentResponse(experimentId: String(id))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> ExperimentResponse {
        let input = try await request.decodeMLflow(ExperimentIDRequest.self, context: context)
        return ExperimentResponse(experiment: ExperimentJSON(try await tracking.experiment(id: input.experimentID)))
    }

    @Sendable func getByName(_ request: Request, context: Context) async throws -> ExperimentResponse {
        let input = try await request.decodeMLflow(ExperimentByNameRequest.self, context: context)
        return ExperimentResponse(experiment: ExperimentJSON(try await tracking.experiment(named: input.experimentName)))
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> SearchExperimentsResponse {
        let input = try await request.decodeMLflow(SearchExperimentsRequest.self, context: context)
        let (experiments, next) = try await tracking.searchExperiments(
            filter: input.filter, viewType: input.viewType, maxResults: input.maxResults,
            orderBy: input.orderBy, pageToken: input.pageToken
        )
        return SearchExperimentsResponse(experiments: experiments.map(ExperimentJSON.init), nextPageToken: next)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(UpdateExperimentRequest.self, context: context)
        if let newName = input.newName {
            try await tracking.renameExperiment(id: input.experimentID, newName: newName)
        } else {
            _ = try await tracking.experiment(id: input.experimentID)
        }
        return EmptyResponse()
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ExperimentIDRequest.self, context: context)
        try await tracking.setExperimentLifecycle(id: input.experimentID, to: .deleted)
        return EmptyResponse()
    }

    @Sendable func restore(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ExperimentIDRequest.self, context: context)
        try await tracking.setExperimentLifecycle(id: input.experimentID, to: .active)
        return EmptyResponse()
    }

    @Sendable func setTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ExperimentTagRequest.self, context: context)
        try await tracking.setExperimentTag(id: input.experimentID, tag: KeyValue(key: input.key, value: input.value ?? ""))
        return EmptyResponse()
    }

    @Sendable func deleteTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(ExperimentTagRequest.self, context: context)
        try await tracking.deleteExperimentTag(id: input.experimentID, key: input.key)
        return EmptyResponse()
    }
}
