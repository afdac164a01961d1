import Foundation
import KeelCore
import KeelStore
import SQLKit

/// The `users` and `api_tokens` tables.
struct IdentityStore: Sendable {
    let store: any MetadataStore

    struct UserRow: Decodable {
        let username: String
        let passwordHash: String
        let isAdmin: Int64
        let failedLogins: Int64
        let lockedUntil: Int64?
        let createdAt: Int64

        var user: User { User(username: username, isAdmin: isAdmin != 0, lockedUntil: lockedUntil, createdAt: createdAt) }
    }

    struct TokenRow: Decodable {
        let tokenId: String
        let username: String
        let name: String
        let createdAt: Int64
        let expiresAt: Int64?
        let revokedAt: Int64?
        let lastUsedAt: Int64?

        var token: APIToken {
            APIToken(id: tokenId, username: username, name: name, createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt, lastUsedAt: lastUsedAt)
        }
    }

    private static let userColumns = ["username", "password_hash", "is_admin", "failed_logins", "locked_until", "created_at"]
    private static let tokenColumns = ["token_id", "username", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]

    func insertUser(_ username: String, passwordHash: String, isAdmin: Bool) async throws {
        let now = Timestamp.nowMillis()
        try await store.write { database in
            let existing = try await database.select().column("username").from("users").where("username", .equal, username).all()
            guard existing.isEmpty else { throw KeelError(.resourceAlreadyExists, "User '\(username)' already exists.") }
            try await database.insert(into: "users")
                .columns("username", "password_hash", "is_admin", "failed_logins", "created_at", "updated_at")
                .values(SQLBind(username), SQLBind(passwordHash), SQLBind(Int64(isAdmin ? 1 : 0)), SQLBind(Int64(0)), SQLBind(now), SQLBind(now))
                .run()
        }
    }

    func userRow(_ username: String) async throws -> UserRow? {
        try await store.read { database in
            try await database.select().columns(Self.userColumns.map { SQLColumn($0) }).from("users").where("username", .equal, username)
                .first(decoding: UserRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    func users() async throws -> [User] {
        try await store.read { database in
            try await database.select().columns(Self.userColumns.map { SQLColumn($0) }).from("users").orderBy("username")
                .all(decoding: UserRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map(\.user)
    }

    func updateUser(_ username: String, passwordHash: String?, isAdmin: Bool?) async throws {
        try await store.write { database in
            let update = database.update("users").set("updated_at", to: Timestamp.nowMillis())
            if let passwordHash { update.set("password_hash", to: passwordHash).set("failed_logins", to: Int64(0)).set("locked_until", to: SQLLiteral.null) }
            if let isAdmin { update.set("is_admin", to: Int64(isAdmin ? 1 : 0)) }
            let changed = try await update.where("username", .equal, username).returning("username").all()
            guard !changed.isEmpty else { throw KeelError.notFound("User '\(username)' not found.") }
        }
    }

    /// Deletes a user, their tokens and their permissions (a user created later under the same
    /// name starts with none of them).
    func deleteUser(_ username: String) async throws {
        try await store.write { database in
            let deleted = try await database.delete(from: "users").where("username", .equal, username).returning("username").all()
            guard !deleted.isEmpty else { throw KeelError.notFound("User '\(username)' not found.") }
            try await database.delete(from: "api_tokens").where("username", .equal, username).run()
            try await database.delete(from: "permissions").where("username", .equal, username).run()
        }
    }

    /// Counts a failed login; returns the lock's end when this one crossed the limit.
    func noteFailedLogin(_ username: String, limit: Int64, lockFor: Int64) async throws {
        let now = Timestamp.nowMillis()
        try await store.write { database in
            try await database.raw("""
                UPDATE users SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= \(bind: limit) THEN \(bind: now + lockFor) ELSE locked_until END
                WHERE username = \(bind: username)
                """).run()
        }
    }

    func noteSuccessfulLogin(_ username: String) async throws {
        try await store.write { database in
            try await database.update("users").set("failed_logins", to: Int64(0)).set("locked_until", to: SQLLiteral.null)
                .where("username", .equal, username).where("failed_logins", .greaterThan, Int64(0)).run()
        }
    }

    // MARK: - Tokens

    func insertToken(id: String, username: String, name: String, hash: String, expiresAt: Int64?) async throws {
        try await store.write { database in
            try await database.insert(into: "api_tokens")
                .columns("token_id", "username", "name", "token_hash", "created_at", "expires_at")
                .values(SQLBind(id), SQLBind(username), SQLBind(name), SQLBind(hash), SQLBind(Timestamp.nowMillis()), SQLBind(expiresAt))
                .run()
        }
    }

    func tokenByHash(_ hash: String) async throws -> TokenRow? {
        try await store.read { database in
            try await database.select().columns(Self.tokenColumns.map { SQLColumn($0) }).from("api_tokens").where("token_hash", .equal, hash)
                .first(decoding: TokenRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    func token(_ id: String) async throws -> APIToken {
        let row = try await store.read { database in
            try await database.select().columns(Self.tokenColumns.map { SQLColumn($0) }).from("api_tokens").where("token_id", .equal, id)
                .first(decoding: TokenRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let row else { throw KeelError.notFound("Token '\(id)' not found.") }
        return row.token
    }

    func tokens(username: String?) async throws -> [APIToken] {
        try await store.read { database in
            let query = database.select().columns(Self.tokenColumns.map { SQLColumn($0) }).from("api_tokens")
            if let username { query.where("username", .equal, username) }
            return try await query.orderBy("created_at").all(decoding: TokenRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map(\.token)
    }

    func revokeToken(_ id: String) async throws {
        try await store.write { database in
            try await database.update("api_tokens").set("revoked_at", to: Timestamp.nowMillis())
                .where("token_id", .equal, id).where("revoked_at", .is, SQLLiteral.null).run()
        }
    }

    func noteTokenUse(_ id: String) async throws {
        try await store.write { database in
            try await database.update("api_tokens").set("last_used_at", to: Timestamp.nowMillis()).where("token_id", .equal, id).run()
        }
    }
}
