/// Who is making a request, once the server has checked their credentials.
public struct Identity: Sendable, Equatable {
    /// How the caller proved who they are.
    public enum Method: String, Sendable {
        /// A username and password (HTTP Basic, as `MLFLOW_TRACKING_USERNAME/PASSWORD` send).
        case password
        /// An API token (HTTP Bearer, as `MLFLOW_TRACKING_TOKEN` sends).
        case token
        /// The server's own work (scheduled pipeline runs recording through its API).
        case internalService = "internal"
    }

    public var username: String
    public var isAdmin: Bool
    public var method: Method

    public init(username: String, isAdmin: Bool, method: Method) {
        self.username = username
        self.isAdmin = isAdmin
        self.method = method
    }
}

/// A user as the API shows them (never with the password hash).
public struct User: Sendable, Equatable {
    public var username: String
    public var isAdmin: Bool
    /// Until when logins are refused after too many failures (epoch ms), if locked.
    public var lockedUntil: Int64?
    public var createdAt: Int64

    public init(username: String, isAdmin: Bool, lockedUntil: Int64?, createdAt: Int64) {
        self.username = username
        self.isAdmin = isAdmin
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
    }

    /// The number MLflow's user entity wants as `id`. Keel keys users by name, so it is derived
    /// from the name (48 bits of its SHA-256): the same on every call and every replica.
    public var numericID: Int64 {
        Secrets.sha256(username).prefix(12).reduce(Int64(0)) { $0 << 4 | Int64($1.hexDigitValue ?? 0) }
    }
}

/// An API token as the API shows it: the secret itself is shown once, at creation.
public struct APIToken: Sendable, Equatable {
    public var id: String
    public var username: String
    public var name: String
    public var createdAt: Int64
    public var expiresAt: Int64?
    public var revokedAt: Int64?
    public var lastUsedAt: Int64?

    /// Whether it still opens the door at `now`.
    public func isUsable(at now: Int64) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}
