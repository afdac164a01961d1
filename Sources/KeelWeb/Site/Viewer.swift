public import KeelGovernance

/// Who is looking at a page, and what they may read.
///
/// Without `--auth` there is no identity and everything is readable. With it, lists hide what
/// the user may not read and a page about something they may not read answers 403.
public struct Viewer: Sendable {
    /// The signed-in user, or nil on a server without auth.
    public let identity: Identity?
    let permissions: PermissionService?

    /// A viewer checked against `permissions`.
    public init(identity: Identity?, permissions: PermissionService?) {
        self.identity = identity
        self.permissions = permissions
    }

    /// A server without auth: everything is readable.
    public static let everyone = Viewer(identity: nil, permissions: nil)

    /// Whether the viewer may read the resource.
    func canRead(_ kind: ResourceKind, _ id: String) async throws -> Bool {
        guard let identity, let permissions else { return true }
        let level = try await permissions.effective(ResourceRef(kind, id), username: identity.username, isAdmin: identity.isAdmin)
        return level.allows(.read)
    }

    /// Throws PERMISSION_DENIED unless the viewer may read the resource.
    func requireRead(_ kind: ResourceKind, _ id: String) async throws {
        guard let identity, let permissions else { return }
        try await permissions.require(.read, on: ResourceRef(kind, id), username: identity.username, isAdmin: identity.isAdmin)
    }

    /// Which resources of a kind the viewer may see in a list.
    func visibility(_ kind: ResourceKind) async throws -> PermissionService.Visibility {
        guard let identity, let permissions else { return .all(except: []) }
        return try await permissions.visibility(kind, username: identity.username, isAdmin: identity.isAdmin)
    }
}
