import KeelCore
import KeelStore
import SQLKit

/// The `permissions` table.
struct PermissionStore: Sendable {
    let store: any MetadataStore

    private struct Row: Decodable {
        let resourceType: String
        let resourceId: String
        let username: String
        let permission: String
        let grantedBy: String
        let grantedAt: Int64

        var grant: PermissionGrant? {
            guard let kind = ResourceKind(rawValue: resourceType), let level = Permission(rawValue: permission) else { return nil }
            return PermissionGrant(resource: ResourceRef(kind, resourceId), username: username, permission: level, grantedBy: grantedBy, grantedAt: grantedAt)
        }
    }

    private static let columns = ["resource_type", "resource_id", "username", "permission", "granted_by", "granted_at"].map { SQLColumn($0) }

    /// Sets a user's level on a resource, replacing any earlier one.
    func upsert(_ resource: ResourceRef, username: String, permission: Permission, grantedBy: String) async throws {
        try await store.write { database in
            try await database.delete(from: "permissions")
                .where("resource_type", .equal, resource.kind.rawValue).where("resource_id", .equal, resource.id)
                .where("username", .equal, username).run()
            try await database.insert(into: "permissions")
                .columns("resource_type", "resource_id", "username", "permission", "granted_by", "granted_at")
                .values(
                    SQLBind(resource.kind.rawValue), SQLBind(resource.id), SQLBind(username), SQLBind(permission.rawValue),
                    SQLBind(grantedBy), SQLBind(Timestamp.nowMillis())
                )
                .run()
        }
    }

    /// Removes a user's grant; false when there was none.
    func delete(_ resource: ResourceRef, username: String) async throws -> Bool {
        try await store.write { database in
            try await database.delete(from: "permissions")
                .where("resource_type", .equal, resource.kind.rawValue).where("resource_id", .equal, resource.id)
                .where("username", .equal, username).returning("username").all()
        }.isEmpty == false
    }

    func grant(_ resource: ResourceRef, username: String) async throws -> PermissionGrant? {
        try await store.read { database in
            try await database.select().columns(Self.columns).from("permissions")
                .where("resource_type", .equal, resource.kind.rawValue).where("resource_id", .equal, resource.id)
                .where("username", .equal, username)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }?.grant
    }

    /// Grants, narrowed to a user and/or a resource.
    func grants(username: String?, resource: ResourceRef?) async throws -> [PermissionGrant] {
        try await store.read { database in
            let query = database.select().columns(Self.columns).from("permissions")
            if let username { query.where("username", .equal, username) }
            if let resource { query.where("resource_type", .equal, resource.kind.rawValue).where("resource_id", .equal, resource.id) }
            return try await query.orderBy("resource_type").orderBy("resource_id").orderBy("username")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.compactMap(\.grant)
    }

    func rename(_ resource: ResourceRef, to newID: String) async throws {
        try await store.write { database in
            try await database.update("permissions").set("resource_id", to: newID)
                .where("resource_type", .equal, resource.kind.rawValue).where("resource_id", .equal, resource.id).run()
        }
    }

    func deleteAll(on resource: ResourceRef) async throws {
        try await store.write { database in
            try await database.delete(from: "permissions")
                .where("resource_type", .equal, resource.kind.rawValue).where("resource_id", .equal, resource.id).run()
        }
    }
}
