import Hummingbird
import KeelCore
import KeelServing

/// Keel's deployments API under `/api/2.0/keel/deployments` (see docs/serving.md).
///
/// Errors are MLflow's `{"error_code", "message"}` like every `/api/2.0` route.
struct DeploymentsController<Context: RequestContext>: Sendable {
    let service: DeploymentService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: create)
        group.get(use: list)
        group.get(":name", use: get)
        group.patch(":name", use: update)
        group.delete(":name", use: delete)
        group.post(":name/promote", use: promote)
        group.post(":name/rollback", use: rollback)
        group.get(":name/history", use: history)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(CreateDeploymentBody.self, context: context)
        let state = try await service.create(DeploymentRequest(
            name: body.name, model: body.model, followAlias: body.followAlias, traffic: body.traffic, workers: body.workers,
            maxBatchSize: body.maxBatchSize, maxBatchWaitMilliseconds: body.maxBatchWaitMs
        ))
        return ServingHTTP.json(["deployment": DeploymentJSON.object(state)])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        ServingHTTP.json(["deployments": try await service.list().map(DeploymentJSON.object)])
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        ServingHTTP.json(["deployment": DeploymentJSON.object(try await service.get(try context.parameters.require("name")))])
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(UpdateDeploymentBody.self, context: context)
        let state = try await service.update(try context.parameters.require("name"), DeploymentUpdate(
            model: body.model, followAlias: body.followAlias, traffic: body.traffic, workers: body.workers,
            maxBatchSize: body.maxBatchSize, maxBatchWaitMilliseconds: body.maxBatchWaitMs
        ))
        return ServingHTTP.json(["deployment": DeploymentJSON.object(state)])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await service.delete(try context.parameters.require("name"))
        return ServingHTTP.json([:])
    }

    @Sendable func promote(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(PromoteBody.self, context: context)
        let state = try await service.promote(try context.parameters.require("name"), version: body.version?.value)
        return ServingHTTP.json(["deployment": DeploymentJSON.object(state)])
    }

    @Sendable func rollback(_ request: Request, context: Context) async throws -> Response {
        ServingHTTP.json(["deployment": DeploymentJSON.object(try await service.rollback(try context.parameters.require("name")))])
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> Response {
        let events = try await service.history(try context.parameters.require("name"))
        return ServingHTTP.json(["events": events.map(DeploymentJSON.object)])
    }
}

/// `POST /api/2.0/keel/deployments`.
struct CreateDeploymentBody: Decodable {
    var name: String
    var model: String
    var followAlias: Bool?
    var traffic: TrafficPolicy?
    var workers: Int?
    var maxBatchSize: Int?
    var maxBatchWaitMs: Int?

    enum CodingKeys: String, CodingKey {
        case name, model, traffic, workers
        case followAlias = "follow_alias"
        case maxBatchSize = "max_batch_size"
        case maxBatchWaitMs = "max_batch_wait_ms"
    }
}

/// `PATCH /api/2.0/keel/deployments/{name}`: every field optional.
struct UpdateDeploymentBody: Decodable {
    var model: String?
    var followAlias: Bool?
    var traffic: TrafficPolicy?
    var workers: Int?
    var maxBatchSize: Int?
    var maxBatchWaitMs: Int?

    enum CodingKeys: String, CodingKey {
        case model, traffic, workers
        case followAlias = "follow_alias"
        case maxBatchSize = "max_batch_size"
        case maxBatchWaitMs = "max_batch_wait_ms"
    }
}

/// `POST …/promote`: the version to promote (required for A/B splits).
struct PromoteBody: Decodable {
    var version: PromotedVersion?

    /// A version as a number or a string.
    struct PromotedVersion: Decodable {
        var value: Int64

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) {
                value = number
            } else if let text = try? container.decode(String.self), let number = Int64(text) {
                value = number
            } else {
                throw KeelError.invalidParameter("version must be a model version number.")
            }
        }
    }
}
