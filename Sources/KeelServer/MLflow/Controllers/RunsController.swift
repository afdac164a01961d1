import Hummingbird
import KeelCore
import KeelTracking

/// MLflow's `runs/*` endpoints. Handlers decode, call ``TrackingService``, encode.
struct RunsController<Context: RequestContext>: Sendable {
    let tracking: TrackingService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("create", use: create)
        group.get("get", use: get)
        group.post("update", use: update)
        group.post("delete", use: delete)
        group.post("restore", use: restore)
        group.post("log-metric", use: logMetric)
        group.post("log-parameter", use: logParam)
        group.post("set-tag", use: setTag)
        group.post("delete-tag", use: deleteTag)
        group.post("log-batch", use: logBatch)
        group.post("log-inputs", use: logInputs)
        group.post("outputs", use: logOutputs)
        group.post("search", use: search)
        group.get("search", use: search)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> RunResponse {
        let input = try await request.decodeMLflow(CreateRunRequest.self, context: context)
        let run = try await tracking.createRun(
            experimentID: input.experimentID, userID: input.userID, runName: input.runName,
            startTime: input.startTime, tags: input.tags
        )
        return RunResponse(run: RunJSON(run))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> RunResponse {
        let input = try await request.decodeMLflow(RunIDRequest.self, context: context)
        return RunResponse(run: RunJSON(try await tracking.run(id: input.runID)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> UpdateRunResponse {
        let input = try await request.decodeMLflow(UpdateRunRequest.self, context: context)
        let info = try await tracking.updateRun(id: input.runID, status: input.status, endTime: input.endTime, runName: input.runName)
        return UpdateRunResponse(runInfo: RunInfoJSON(info))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(RunIDRequest.self, context: context)
        try await tracking.setRunLifecycle(id: input.runID, to: .deleted)
        return EmptyResponse()
    }

    @Sendable func restore(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(RunIDRequest.self, context: context)
        try await tracking.setRunLifecycle(id: input.runID, to: .active)
        return EmptyResponse()
    }

    @Sendable func logMetric(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(LogMetricRequest.self, context: context)
        try await tracking.logMetric(runID: input.runID, metric: input.metric)
        return EmptyResponse()
    }

    @Sendable func logParam(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(KeyValueRequest.self, context: context)
        try await tracking.logParam(runID: input.runID, param: KeyValue(key: input.key, value: input.value ?? ""))
        return EmptyResponse()
    }

    @Sendable func setTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(KeyValueRequest.self, context: context)
        try await tracking.setTag(runID: input.runID, tag: KeyValue(key: input.key, value: input.value ?? ""))
        return EmptyResponse()
    }

    @Sendable func deleteTag(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(KeyValueRequest.self, context: context)
        try await tracking.deleteTag(runID: input.runID, key: input.key)
        return EmptyResponse()
    }

    @Sendable func logBatch(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(LogBatchRequest.self, context: context)
        try await tracking.logBatch(runID: input.runID, metrics: input.metrics, params: input.params, tags: input.tags)
        return EmptyResponse()
    }

    @Sendable func logInputs(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(LogInputsRequest.self, context: context)
        try await tracking.logInputs(runID: input.runID, datasets: input.datasets, modelIDs: input.modelIDs)
        return EmptyResponse()
    }

    @Sendable func logOutputs(_ request: Request, context: Context) async throws -> EmptyResponse {
        let input = try await request.decodeMLflow(LogOutputsRequest.self, context: context)
        try await tracking.logOutputs(runID: input.runID, models: input.models)
        return EmptyResponse()
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> PagedJSONResponse<RunJSON> {
        let input = try await request.decodeMLflow(SearchRunsRequest.self, context: context)
        let (runs, next) = try await tracking.searchRuns(
            experimentIDs: input.experimentIDs, filter: input.filter, viewType: input.viewType,
            maxResults: input.maxResults, orderBy: input.orderBy, pageToken: input.pageToken
        )
        return PagedJSONResponse(itemsKey: "runs", items: runs.map(RunJSON.init), nextPageToken: next)
    }
}
