public import Foundation
public import KeelGovernance
public import KeelStore
public import Logging

/// Everything `keel server` needs to start, with the embedded defaults.
public struct KeelServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// Where metadata lives; defaults to `<data-dir>/keel.db`.
    public var database: StoreConfiguration
    /// Where artifacts live; defaults to `<data-dir>/artifacts`.
    public var artifactRoot: String
    /// How much the server logs.
    public var logLevel: Logger.Level
    /// The Python interpreter for model workers (`--python`); discovered when nil.
    public var python: String?
    /// Whether the server does work of its own beside answering requests: model workers for
    /// deployments, alert evaluation, scheduled and triggered pipeline runs. Off for a server a
    /// command starts in its own process only to record into the store (`keel run`):
    /// deployments are created and changed there, and serve once `keel server` runs on the store.
    public var runsBackgroundWork = true
    /// Called once the server listens, with its URL (`http://127.0.0.1:PORT`).
    public var onListening: (@Sendable (String) -> Void)?
    /// Access control (`--auth`); nil leaves the server open, for one person on one machine.
    public var auth: AuthConfiguration?

    /// A configuration on embedded defaults under `dataDirectory`, overridable per store.
    public init(
        host: String = "127.0.0.1",
        port: Int = 5000,
        dataDirectory: String = "./keel-data",
        database: StoreConfiguration? = nil,
        artifactRoot: String? = nil,
        logLevel: Logger.Level = .info,
        python: String? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database ?? .sqlite(path: dataDirectory + "/keel.db")
        self.artifactRoot = artifactRoot ?? dataDirectory + "/artifacts"
        self.logLevel = logLevel
        self.python = python
    }
}

/// `keel server --auth`: who the first admin is.
public struct AuthConfiguration: Sendable {
    /// The admin's name (`KEEL_ADMIN_USER`, else `admin`).
    public var adminUser: String
    /// The admin's password (`KEEL_ADMIN_PASSWORD`); when nil and the admin does not exist yet,
    /// one is generated and printed once. Never a default password.
    public var adminPassword: String?
    /// bcrypt's cost for new passwords.
    public var bcryptCost: UInt8
    /// The level of users with no grant on a resource (`KEEL_DEFAULT_PERMISSION`, READ as in
    /// MLflow; NO_PERMISSIONS keeps every resource private to its creator and those they grant).
    public var defaultPermission: Permission

    public init(adminUser: String = "admin", adminPassword: String? = nil, bcryptCost: UInt8 = 12, defaultPermission: Permission = .read) {
        self.adminUser = adminUser
        self.adminPassword = adminPassword
        self.bcryptCost = bcryptCost
        self.defaultPermission = defaultPermission
    }

    /// From `KEEL_ADMIN_USER`, `KEEL_ADMIN_PASSWORD` and `KEEL_DEFAULT_PERMISSION`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AuthConfiguration {
        AuthConfiguration(
            adminUser: environment["KEEL_ADMIN_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "admin",
            adminPassword: environment["KEEL_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            defaultPermission: try environment["KEEL_DEFAULT_PERMISSION"].flatMap { $0.isEmpty ? nil : $0 }.map(Permission.init(parsing:)) ?? .read
        )
    }
}
