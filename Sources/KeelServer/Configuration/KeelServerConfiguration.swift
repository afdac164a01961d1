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
