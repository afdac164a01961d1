/// Why talking to a model worker failed.
public enum WorkerError: Error, Sendable, CustomStringConvertible {
    /// The worker process ended or closed its connection while requests were outstanding.
    case workerExited(String)
    /// The worker broke the framing or message rules; the connection is dropped.
    case protocolViolation(String)
    /// The worker answered a request frame with an `error` frame.
    case rejected(code: String, message: String)
    /// The worker did not answer in time; it is stopped and replaced.
    case timedOut(seconds: Double)
    /// The model could not be loaded; the message is the worker's own (`fatal`), verbatim.
    case modelUnavailable(String)

    public var description: String {
        switch self {
        case .workerExited(let why): "model worker exited: \(why)"
        case .protocolViolation(let what): "model worker protocol violation: \(what)"
        case .rejected(let code, let message): "model worker rejected the request (\(code)): \(message)"
        case .timedOut(let seconds): "the model did not answer within \(seconds) s"
        case .modelUnavailable(let message): message
        }
    }

    /// Whether the same request may be sent again to another worker.
    ///
    /// Only a worker's death qualifies: the request itself was fine and predictions are pure.
    var isRetryable: Bool {
        if case .workerExited = self { return true }
        return false
    }
}
