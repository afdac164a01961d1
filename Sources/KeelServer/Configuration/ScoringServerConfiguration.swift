public import KeelServing
public import Logging

/// Everything `keel serve` needs: one model, where to listen, how to run its workers.
public struct ScoringServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// What the workers load: `models:/name@alias`, `models:/name/3`, `runs:/…`, a directory.
    public var modelURI: String
    /// The model's name under `/v2/models/`.
    public var name: String
    /// The Python interpreter, if the user chose one (`--python`).
    public var python: String?
    /// The registry the workers load `models:/` and `runs:/` URIs from.
    public var trackingURI: String?
    /// Worker count and batching.
    public var runtime: RuntimeConfiguration
    /// How much the server logs.
    public var logLevel: Logger.Level

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 5001,
        modelURI: String,
        name: String = "model",
        python: String? = nil,
        trackingURI: String? = nil,
        runtime: RuntimeConfiguration = RuntimeConfiguration(),
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.modelURI = modelURI
        self.name = name
        self.python = python
        self.trackingURI = trackingURI
        self.runtime = runtime
        self.logLevel = logLevel
    }
}
