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
        let state = try await service.create(DeploymentRequest(name: body.name, model: body.model, settings: try body.settings.settings))
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
        let state = try await service.update(
            try context.parameters.require("name"), DeploymentUpdate(model: body.model, settings: try body.settings.settings)
        )
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

/// The settings fields both create and update bodies carry, at the top level of the JSON.
struct DeploymentSettingsBody: Decodable {
    var followAlias: Bool?
    var traffic: TrafficPolicy?
    var workers: Int?
    var maxBatchSize: Int?
    var maxBatchWaitMs: Int?
    /// `{"ssn": "redact", "email": "hash"}`; `{}` clears them.
    var sensitiveColumns: [String: String]?

    enum CodingKeys: String, CodingKey {
        case traffic, workers
        case followAlias = "follow_alias"
        case maxBatchSize = "max_batch_size"
        case maxBatchWaitMs = "max_batch_wait_ms"
        case sensitiveColumns = "sensitive_columns"
    }

    var settings: DeploymentSettings {
        get throws {
            DeploymentSettings(
                followAlias: followAlias, traffic: traffic, workers: workers, maxBatchSize: maxBatchSize,
                maxBatchWaitMilliseconds: maxBatchWaitMs, sensitiveColumns: try sensitiveColumns.map(SensitiveColumns.treatments(from:))
            )
        }
    }
}

/// `POST /api/2.0/keel/deployments`: `name`, `model` and the settings fields.
struct CreateDeploymentBody: Decodable {
    var name: String
    var model: String
    var settings: DeploymentSettingsBody

    private enum CodingKeys: String, CodingKey { case name, model }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        model = try container.decode(String.self, forKey: .model)
        settings = try DeploymentSettingsBody(from: decoder)
    }
}

/// `PATCH /api/2.0/keel/deployments/{name}`: every field optional.
struct UpdateDeploymentBody: Decodable {
    var model: String?
    var settings: DeploymentSettingsBody

    private enum CodingKeys: String, CodingKey { case model }

    init(from decoder: any Decoder) throws {
        model = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .model)
        settings = try DeploymentSettingsBody(from: decoder)
    }
}

/// `POST …/promote`: the version to promote (required for an A/B split).
struct PromoteBody: Decodable {
    var version: ModelVersionNumber?
}
