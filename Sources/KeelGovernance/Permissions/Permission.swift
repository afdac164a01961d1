import KeelCore

/// What a user may do with one resource: MLflow auth's levels, each including the ones below it.
///
/// | level            | read | use (predict, run) | update | delete | manage (grant) |
/// |------------------|------|--------------------|--------|--------|----------------|
/// | `NO_PERMISSIONS` |      |                    |        |        |                |
/// | `READ`           | yes  |                    |        |        |                |
/// | `USE`            | yes  | yes                |        |        |                |
/// | `EDIT`           | yes  | yes                | yes    |        |                |
/// | `MANAGE`         | yes  | yes                | yes    | yes    | yes            |
public enum Permission: String, Sendable, CaseIterable, Comparable {
    case noPermissions = "NO_PERMISSIONS"
    case read = "READ"
    case use = "USE"
    case edit = "EDIT"
    case manage = "MANAGE"

    private var rank: Int {
        switch self {
        case .noPermissions: 0
        case .read: 1
        case .use: 2
        case .edit: 3
        case .manage: 4
        }
    }

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rank < rhs.rank }

    /// Whether holding `self` is enough for something that needs `needed`.
    public func allows(_ needed: Permission) -> Bool { self >= needed }

    /// Parses a level as MLflow's client sends it (any case).
    public init(parsing text: String) throws {
        guard let level = Permission(rawValue: text.uppercased()) else {
            throw PermissionError.invalid("Unknown permission '\(text)'. Use one of: " + Permission.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        self = level
    }
}

/// The kinds of resource a permission can be granted on.
public enum ResourceKind: String, Sendable, CaseIterable {
    /// An experiment, by id (its runs, logged models and artifacts follow it).
    case experiment
    /// A registered model, by name (its versions and aliases follow it).
    case registeredModel = "registered_model"
    /// A serving deployment, by name (its monitoring, alerts and inference log follow it).
    case deployment
    /// A registered pipeline, by name (its runs follow it).
    case pipeline

    /// Parses a kind as MLflow's client sends it.
    public init(parsing text: String) throws {
        guard let kind = ResourceKind(rawValue: text.lowercased()) else {
            throw PermissionError.invalid("Unknown resource_type '\(text)'. Use one of: " + ResourceKind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        self = kind
    }
}

/// One resource a permission can be granted on.
public struct ResourceRef: Sendable, Hashable, CustomStringConvertible {
    public var kind: ResourceKind
    public var id: String

    public init(_ kind: ResourceKind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.rawValue) '\(id)'" }
}

/// A permission granted to a user on a resource.
public struct PermissionGrant: Sendable, Equatable {
    public var resource: ResourceRef
    public var username: String
    public var permission: Permission
    public var grantedBy: String
    public var grantedAt: Int64
}

enum PermissionError {
    static func invalid(_ message: String) -> KeelError { KeelError(.invalidParameterValue, message) }
}
