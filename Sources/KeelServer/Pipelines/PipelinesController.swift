import Foundation
import Hummingbird
import KeelCore
import KeelPipelines

/// Pipelines the server runs, under `/api/2.0/keel/pipelines` (docs/pipelines.md, "On the server").
struct PipelinesController<Context: RequestContext>: Sendable {
    let service: PipelineService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: register)
        group.get(use: list)
        group.get(":name", use: get)
        group.patch(":name", use: update)
        group.delete(":name", use: delete)
        group.post(":name/runs", use: trigger)
        group.get(":name/runs", use: runs)
        group.get(":name/runs/:id", use: run)
        group.get(":name/runs/:id/events", use: events)
        group.post(":name/runs/:id/cancel", use: cancel)
    }

    struct RegisterBody: Decodable {
        let name: String
        let directory: String
        let settings: PipelineSettings?
    }

    struct UpdateBody: Decodable {
        let directory: String?
        let settings: PipelineSettings?
    }

    struct TriggerBody: Decodable {
        let stages: [String]?
        let force: Bool?
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(RegisterBody.self, context: context)
        let pipeline = try await service.register(name: body.name, directory: body.directory, settings: body.settings ?? PipelineSettings())
        return ServingHTTP.json(["pipeline": PipelineJSON.pipeline(pipeline)])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        ServingHTTP.json(["pipelines": try await service.pipelines().map(PipelineJSON.pipeline)])
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let pipeline = try await service.pipeline(try context.parameters.require("name"))
        return ServingHTTP.json(["pipeline": PipelineJSON.pipeline(pipeline)])
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(UpdateBody.self, context: context)
        let pipeline = try await service.update(name: try context.parameters.require("name"), directory: body.directory, settings: body.settings)
        return ServingHTTP.json(["pipeline": PipelineJSON.pipeline(pipeline)])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await service.delete(try context.parameters.require("name"))
        return ServingHTTP.json([:])
    }

    @Sendable func trigger(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(TriggerBody.self, context: context)
        let run = try await service.trigger(try context.parameters.require("name"), stages: body.stages ?? [], force: body.force ?? false)
        return ServingHTTP.json(["run": PipelineJSON.run(run)])
    }

    @Sendable func runs(_ request: Request, context: Context) async throws -> Response {
        let limit = try Self.integer(request, "max_results", default: 100)
        let runs = try await service.runs(try context.parameters.require("name"), limit: Int(limit))
        return ServingHTTP.json(["runs": runs.map(PipelineJSON.run)])
    }

    @Sendable func run(_ request: Request, context: Context) async throws -> Response {
        let run = try await service.run(try context.parameters.require("name"), id: try Self.runID(context))
        return ServingHTTP.json(["run": PipelineJSON.run(run)])
    }

    /// The run's events after `after` (a sequence number); poll with the last one seen to follow a run.
    @Sendable func events(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let id = try Self.runID(context)
        let after = try Self.integer(request, "after", default: 0)
        let limit = try Self.integer(request, "max_results", default: 1000)
        let events = try await service.events(name, id: id, after: after, limit: Int(limit))
        let run = try await service.run(name, id: id)
        let objects: [[String: Any]] = events.map { entry in
            var object = (try? JSONSerialization.jsonObject(with: Data(entry.event.utf8))) as? [String: Any] ?? [:]
            object["seq"] = entry.sequence
            return object
        }
        return ServingHTTP.json(["events": objects, "status": run.status.rawValue, "last_seq": events.last?.sequence ?? after])
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let run = try await service.cancel(try context.parameters.require("name"), id: try Self.runID(context))
        return ServingHTTP.json(["run": PipelineJSON.run(run)])
    }

    static func runID(_ context: Context) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw KeelError.invalidParameter("The run id must be a positive number, got '\(text)'.") }
        return id
    }

    static func integer(_ request: Request, _ name: String, default value: Int64) throws -> Int64 {
        guard let text = request.uri.queryParameters[Substring(name)].map(String.init) else { return value }
        guard let number = Int64(text), number >= 0 else { throw KeelError.invalidParameter("\(name) must be a non-negative integer, got '\(text)'.") }
        return number
    }
}

/// JSON shapes of pipelines and their runs.
enum PipelineJSON {
    static func pipeline(_ pipeline: RegisteredPipeline) -> [String: Any] {
        var settings: [String: Any] = [
            "on_alert": pipeline.settings.onAlert, "on_dataset": pipeline.settings.onDataset,
            "dataset_poll_seconds": pipeline.settings.datasetPollSeconds,
            "max_concurrent_runs": pipeline.settings.maxConcurrentRuns,
        ]
        if let schedule = pipeline.settings.schedule { settings["schedule"] = schedule }
        if let experiment = pipeline.settings.experiment { settings["experiment"] = experiment }
        if let jobs = pipeline.settings.jobs { settings["jobs"] = jobs }
        var object: [String: Any] = [
            "name": pipeline.name, "directory": pipeline.directory, "settings": settings,
            "created_at": pipeline.createdAt, "updated_at": pipeline.updatedAt,
        ]
        if let next = pipeline.nextScheduledAt { object["next_scheduled_at"] = next }
        return object
    }

    static func run(_ run: PipelineRunRecord) -> [String: Any] {
        var object: [String: Any] = [
            "run_id": String(run.id), "pipeline": run.pipeline, "status": run.status.rawValue,
            "trigger": run.trigger.rawValue, "trigger_detail": run.triggerDetail, "stages": run.stages, "force": run.force,
            "created_at": run.createdAt,
        ]
        if let trackingRunID = run.trackingRunID { object["tracking_run_id"] = trackingRunID }
        if let message = run.message { object["message"] = message }
        if let started = run.startedAt { object["started_at"] = started }
        if let ended = run.endedAt { object["ended_at"] = ended }
        if let result = run.result,
           let data = try? JSONEncoder().encode(result),
           let stages = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["stages"] {
            object["result"] = stages
        }
        return object
    }
}
