import Foundation
import Hummingbird
import KeelCore
import KeelGovernance

/// Users and API tokens under `/api/2.0/keel` (docs/governance.md): who am I, users (admins
/// only, except reading yourself and changing your own password), and tokens (your own; an
/// admin's for anyone).
struct IdentityController: Sendable {
    typealias Context = KeelRequestContext
    let identities: IdentityService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("whoami", use: whoami)
        group.post("users", use: createUser)
        group.get("users", use: listUsers)
        group.get("users/:username", use: getUser)
        group.patch("users/:username", use: updateUser)
        group.delete("users/:username", use: deleteUser)
        group.post("tokens", use: createToken)
        group.get("tokens", use: listTokens)
        group.delete("tokens/:id", use: revokeToken)
    }

    struct CreateUserBody: Decodable {
        let username: String
        let password: String
        let isAdmin: Bool?

        enum CodingKeys: String, CodingKey { case username, password, isAdmin = "is_admin" }
    }

    struct UpdateUserBody: Decodable {
        let password: String?
        let isAdmin: Bool?

        enum CodingKeys: String, CodingKey { case password, isAdmin = "is_admin" }
    }

    struct CreateTokenBody: Decodable {
        let name: String
        let expiresInDays: Int?
        let username: String?

        enum CodingKeys: String, CodingKey { case name, expiresInDays = "expires_in_days", username }
    }

    @Sendable func whoami(_ request: Request, context: Context) async throws -> Response {
        let identity = try Self.caller(context)
        return ServingHTTP.json(["username": identity.username, "is_admin": identity.isAdmin, "method": identity.method.rawValue])
    }

    @Sendable func createUser(_ request: Request, context: Context) async throws -> Response {
        try Self.requireAdmin(context)
        let body = try await request.decodeMLflow(CreateUserBody.self, context: context)
        try await identities.addUser(body.username, password: body.password, isAdmin: body.isAdmin ?? false)
        return ServingHTTP.json(["user": Self.json(try await identities.user(body.username))])
    }

    @Sendable func listUsers(_ request: Request, context: Context) async throws -> Response {
        try Self.requireAdmin(context)
        return ServingHTTP.json(["users": try await identities.users().map(Self.json)])
    }

    @Sendable func getUser(_ request: Request, context: Context) async throws -> Response {
        let username = try context.parameters.require("username")
        try Self.requireSelfOrAdmin(context, username)
        return ServingHTTP.json(["user": Self.json(try await identities.user(username))])
    }

    @Sendable func updateUser(_ request: Request, context: Context) async throws -> Response {
        let username = try context.parameters.require("username")
        let body = try await request.decodeMLflow(UpdateUserBody.self, context: context)
        if body.isAdmin != nil { try Self.requireAdmin(context) } else { try Self.requireSelfOrAdmin(context, username) }
        try await identities.updateUser(username, password: body.password, isAdmin: body.isAdmin)
        return ServingHTTP.json(["user": Self.json(try await identities.user(username))])
    }

    @Sendable func deleteUser(_ request: Request, context: Context) async throws -> Response {
        try Self.requireAdmin(context)
        let username = try context.parameters.require("username")
        guard username != context.identity?.username else {
            throw KeelError.invalidParameter("You cannot delete yourself; another admin can.")
        }
        try await identities.deleteUser(username)
        return ServingHTTP.json([:])
    }

    @Sendable func createToken(_ request: Request, context: Context) async throws -> Response {
        let caller = try Self.caller(context)
        let body = try await request.decodeMLflow(CreateTokenBody.self, context: context)
        let owner = body.username ?? caller.username
        try Self.requireSelfOrAdmin(context, owner)
        let (token, secret) = try await identities.createToken(for: owner, name: body.name, expiresInDays: body.expiresInDays)
        return ServingHTTP.json(["token": Self.json(token), "secret": secret])
    }

    @Sendable func listTokens(_ request: Request, context: Context) async throws -> Response {
        let caller = try Self.caller(context)
        let query = request.uri.queryParameters
        let all = query["all"].map { $0 == "true" } ?? false
        let username = query["username"].map(String.init)
        if all || (username != nil && username != caller.username) { try Self.requireAdmin(context) }
        let tokens = try await identities.tokens(of: all ? nil : username ?? caller.username)
        return ServingHTTP.json(["tokens": tokens.map(Self.json)])
    }

    @Sendable func revokeToken(_ request: Request, context: Context) async throws -> Response {
        let token = try await identities.token(try context.parameters.require("id"))
        try Self.requireSelfOrAdmin(context, token.username)
        try await identities.revokeToken(token.id)
        return ServingHTTP.json(["token": Self.json(try await identities.token(token.id))])
    }

    // MARK: - Rules

    /// The caller; with auth off there is none, and these routes have nothing to manage.
    static func caller(_ context: Context) throws -> Identity {
        guard let identity = context.identity else {
            throw KeelError(.notImplemented, "Users and tokens need a server started with --auth.")
        }
        return identity
    }

    static func requireAdmin(_ context: Context) throws {
        guard try caller(context).isAdmin else { throw KeelError(.permissionDenied, "Only an admin may do this.") }
    }

    static func requireSelfOrAdmin(_ context: Context, _ username: String) throws {
        let identity = try caller(context)
        guard identity.isAdmin || identity.username == username else {
            throw KeelError(.permissionDenied, "Only '\(username)' or an admin may do this.")
        }
    }

    static func json(_ user: User) -> [String: Any] {
        var object: [String: Any] = ["username": user.username, "is_admin": user.isAdmin, "created_at": user.createdAt]
        if let locked = user.lockedUntil, locked > Timestamp.nowMillis() { object["locked_until"] = locked }
        return object
    }

    static func json(_ token: APIToken) -> [String: Any] {
        var object: [String: Any] = ["id": token.id, "username": token.username, "name": token.name, "created_at": token.createdAt]
        if let expires = token.expiresAt { object["expires_at"] = expires }
        if let revoked = token.revokedAt { object["revoked_at"] = revoked }
        if let used = token.lastUsedAt { object["last_used_at"] = used }
        object["usable"] = token.isUsable(at: Timestamp.nowMillis())
        return object
    }
}
