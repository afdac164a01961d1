import KeelCore
public import KeelStore

/// Who may do what with each experiment, registered model, deployment and pipeline.
///
/// A user's level on a resource is their grant on it, or the server's default level when they
/// have none (MLflow's `default_permission`, READ unless configured). Admins hold MANAGE on
/// everything. Whoever creates a resource is granted MANAGE on it.
public struct PermissionService: Sendable {
    let store: PermissionStore
    /// The level of users with no grant on a resource.
    public let defaultPermission: Permission

    public init(store: any MetadataStore, defaultPermission: Permission = .read) {
        self.store = PermissionStore(store: store)
        self.defaultPermission = defaultPermission
    }

    /// The level `username` holds on `resource`.
    public func effective(_ resource: ResourceRef, username: String, isAdmin: Bool) async throws -> Permission {
        if isAdmin { return .manage }
        return try await store.grant(resource, username: username)?.permission ?? defaultPermission
    }

    /// Throws PERMISSION_DENIED unless the user holds at least `needed` on `resource`.
    public func require(_ needed: Permission, on resource: ResourceRef, username: String, isAdmin: Bool) async throws {
        let held = try await effective(resource, username: username, isAdmin: isAdmin)
        guard held.allows(needed) else {
            throw KeelError(
                .permissionDenied,
                "Permission denied: '\(username)' holds \(held.rawValue) on \(resource), and this needs \(needed.rawValue)."
            )
        }
    }

    /// Sets `username`'s level on `resource` (NO_PERMISSIONS too: it overrides a generous default).
    public func grant(_ permission: Permission, on resource: ResourceRef, to username: String, by grantor: String) async throws {
        try validate(resource)
        try await store.upsert(resource, username: username, permission: permission, grantedBy: grantor)
    }

    /// Removes `username`'s grant; they fall back to the default level.
    public func revoke(on resource: ResourceRef, from username: String) async throws {
        guard try await store.delete(resource, username: username) else {
            throw KeelError.notFound("'\(username)' has no permission granted on \(resource).")
        }
    }

    /// The grants a user holds, or that exist on a resource.
    public func grants(username: String? = nil, resource: ResourceRef? = nil) async throws -> [PermissionGrant] {
        try await store.grants(username: username, resource: resource)
    }

    /// Which resources of `kind` the user may see, for filtering lists: nil means all of them
    /// except those explicitly below `level` (the default allows it), otherwise exactly these.
    public func visibility(_ kind: ResourceKind, username: String, isAdmin: Bool, atLeast level: Permission = .read) async throws -> Visibility {
        if isAdmin { return .all(except: []) }
        let grants = try await store.grants(username: username, resource: nil).filter { $0.resource.kind == kind }
        if defaultPermission.allows(level) {
            return .all(except: Set(grants.filter { !$0.permission.allows(level) }.map(\.resource.id)))
        }
        return .only(Set(grants.filter { $0.permission.allows(level) }.map(\.resource.id)))
    }

    /// The resources a user may see in a list.
    public enum Visibility: Sendable, Equatable {
        case all(except: Set<String>)
        case only(Set<String>)

        public func contains(_ id: String) -> Bool {
            switch self {
            case .all(let hidden): !hidden.contains(id)
            case .only(let shown): shown.contains(id)
            }
        }
    }

    /// Moves grants along with a rename (registered models, deployments).
    public func resourceRenamed(_ resource: ResourceRef, to newID: String) async throws {
        try await store.rename(resource, to: newID)
    }

    /// Drops every grant on a resource that no longer exists, so a new one of the same name
    /// does not inherit them.
    public func resourceDeleted(_ resource: ResourceRef) async throws {
        try await store.deleteAll(on: resource)
    }

    private func validate(_ resource: ResourceRef) throws {
        guard !resource.id.isEmpty, resource.id.count <= 500 else {
            throw KeelError.invalidParameter("A resource_id must be 1 to 500 characters.")
        }
    }
}
