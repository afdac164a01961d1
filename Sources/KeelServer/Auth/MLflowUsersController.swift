import Foundation
import Hummingbird
import KeelCore
import KeelGovernance

/// The user routes of MLflow's basic-auth app (`/api/2.0/mlflow/users/...`), so
/// `mlflow.server.get_app_client("basic-auth", uri)` manages Keel's users unchanged. They are
/// the same users as `/api/2.0/keel/users`, with the same rules: admins manage everyone, a user
/// reads themselves and changes their own password.
struct MLflowUsersController: Sendable {
    typealias Context = KeelRequestContext
    let identities: IdentityService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("create", use: create)
        group.get("get", use: get)
        group.get("current", use: current)
        group.get("list", use: list)
        group.patch("update-password", use: updatePassword)
        group.patch("update-admin", use: updateAdmin)
        group.delete("delete", use: delete)
    }

    struct CreateBody: Decodable {
        let username: String
        let password: String
    }

    struct PasswordBody: Decodable {
        let username: String
        let password: String
    }

    struct AdminBody: Decodable {
        let username: String
        let isAdmin: Bool

        enum CodingKeys: String, CodingKey { case username, isAdmin = "is_admin" }
    }

    struct UsernameBody: Decodable {
        let username: String
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        try IdentityController.requireAdmin(context)
        let body = try await request.decodeMLflow(CreateBody.self, context: context)
        try await identities.addUser(body.username, password: body.password, isAdmin: false)
        return ServingHTTP.json(["user": Self.json(try await identities.user(body.username))])
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        guard let username = request.uri.queryParameters["username"].map(String.init), !username.isEmpty else {
            throw KeelError.invalidParameter("Missing value for required parameter 'username'.")
        }
        try IdentityController.requireSelfOrAdmin(context, username)
        return ServingHTTP.json(["user": Self.json(try await identities.user(username))])
    }

    @Sendable func current(_ request: Request, context: Context) async throws -> Response {
        let caller = try IdentityController.caller(context)
        let user = (try? await identities.user(caller.username))
            ?? User(username: caller.username, isAdmin: caller.isAdmin, lockedUntil: nil, createdAt: 0)
        return ServingHTTP.json(["user": Self.json(user)])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try IdentityController.requireAdmin(context)
        return ServingHTTP.json(["users": try await identities.users().map(Self.json)])
    }

    @Sendable func updatePassword(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(PasswordBody.self, context: context)
        try IdentityController.requireSelfOrAdmin(context, body.username)
        try await identities.updateUser(body.username, password: body.password, isAdmin: nil)
        return ServingHTTP.json([:])
    }

    @Sendable func updateAdmin(_ request: Request, context: Context) async throws -> Response {
        try IdentityController.requireAdmin(context)
        let body = try await request.decodeMLflow(AdminBody.self, context: context)
        try await identities.updateUser(body.username, password: nil, isAdmin: body.isAdmin)
        return ServingHTTP.json([:])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try IdentityController.requireAdmin(context)
        let body = try await request.decodeMLflow(UsernameBody.self, context: context)
        guard body.username != context.identity?.username else {
            throw KeelError.invalidParameter("You cannot delete yourself; another admin can.")
        }
        try await identities.deleteUser(body.username)
        return ServingHTTP.json([:])
    }

    /// MLflow's user shape.
    static func json(_ user: User) -> [String: Any] {
        ["id": user.numericID, "username": user.username, "is_admin": user.isAdmin]
    }
}
