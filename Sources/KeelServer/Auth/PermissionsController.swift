import Foundation
import Hummingbird
import KeelCore
import KeelGovernance

/// Per-resource permissions over HTTP.
///
/// MLflow 3's unified grant API (`/api/3.0/mlflow/users/permissions/{grant,revoke,get,list}` and
/// `users/current/permissions`), so `get_app_client("basic-auth", uri).grant_user_permission(...)`
/// works unchanged, for `experiment` and `registered_model` as in MLflow and for Keel's
/// `deployment` and `pipeline`; and `GET /api/2.0/keel/permissions` listing who holds what on
/// one resource. Who may call each route is in ``AccessRules``.
struct PermissionsController: Sendable {
    typealias Context = KeelRequestContext
    let permissions: PermissionService
    let identities: IdentityService

    func addRoutes(v3 group: RouterGroup<Context>) {
        group.post("users/permissions/grant", use: grant)
        group.post("users/permissions/revoke", use: revoke)
        group.get("users/permissions/get", use: get)
        group.get("users/permissions/list", use: list)
        group.get("users/current/permissions", use: current)
    }

    func addRoutes(keel group: RouterGroup<Context>) {
        group.get("permissions", use: onResource)
    }

    struct GrantBody: Decodable {
        let username: String
        let resourceType: String
        let resourceId: String
        let permission: String?

        enum CodingKeys: String, CodingKey {
            case username, permission, resourceType = "resource_type", resourceId = "resource_id"
        }

        var resource: ResourceRef { get throws { ResourceRef(try ResourceKind(parsing: resourceType), resourceId) } }
    }

    @Sendable func grant(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(GrantBody.self, context: context)
        guard let level = body.permission else { throw KeelError.invalidParameter("Missing value for required parameter 'permission'.") }
        _ = try await identities.user(body.username)
        try await permissions.grant(
            try Permission(parsing: level), on: try body.resource, to: body.username, by: context.identity?.username ?? "anonymous"
        )
        return ServingHTTP.json([:])
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(GrantBody.self, context: context)
        try await permissions.revoke(on: try body.resource, from: body.username)
        return ServingHTTP.json([:])
    }

    /// `allowed` mirrors MLflow's: the level permits use (USE or above), not merely reading.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(GrantBody.self, context: context)
        let user = try await identities.user(body.username)
        let level = try await permissions.effective(try body.resource, username: user.username, isAdmin: user.isAdmin)
        return ServingHTTP.json(["allowed": level.allows(.use), "permission": level.rawValue])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        guard let username = request.uri.queryParameters["username"].map(String.init), !username.isEmpty else {
            throw KeelError.invalidParameter("Missing value for required parameter 'username'.")
        }
        return try await listing(for: try await identities.user(username))
    }

    @Sendable func current(_ request: Request, context: Context) async throws -> Response {
        guard let identity = context.identity else { throw KeelError(.unauthenticated, "Sign in to see your permissions.") }
        let user = (try? await identities.user(identity.username))
            ?? User(username: identity.username, isAdmin: identity.isAdmin, lockedUntil: nil, createdAt: 0)
        return try await listing(for: user)
    }

    /// MLflow shapes each grant as a permission of the user's own synthetic role.
    private func listing(for user: User) async throws -> Response {
        let rows = try await permissions.grants(username: user.username).map { grant -> [String: Any] in
            [
                "role_id": user.numericID, "role_name": "__user_\(user.numericID)__", "workspace": "default",
                "resource_type": grant.resource.kind.rawValue, "resource_pattern": grant.resource.id, "permission": grant.permission.rawValue,
            ]
        }
        return ServingHTTP.json(["is_admin": user.isAdmin, "permissions": rows])
    }

    /// `GET /api/2.0/keel/permissions?resource_type=deployment&resource_id=churn`.
    @Sendable func onResource(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        guard let type = query["resource_type"].map(String.init), let id = query["resource_id"].map(String.init) else {
            throw KeelError.invalidParameter("Name the resource: ?resource_type=experiment|registered_model|deployment|pipeline&resource_id=ID.")
        }
        let grants = try await permissions.grants(resource: ResourceRef(try ResourceKind(parsing: type), id)).map { grant -> [String: Any] in
            ["username": grant.username, "permission": grant.permission.rawValue, "granted_by": grant.grantedBy, "granted_at": grant.grantedAt]
        }
        return ServingHTTP.json([
            "resource_type": type, "resource_id": id, "default_permission": permissions.defaultPermission.rawValue, "permissions": grants,
        ])
    }
}
