import KeelCore

/// Serving failures that are not about one worker.
public enum ServingError: Error, Sendable, CustomStringConvertible {
    /// Too many requests are waiting for this model; the caller should back off (HTTP 503).
    case overloaded(queued: Int)

    public var description: String {
        switch self {
        case .overloaded(let queued): "the model has \(queued) requests waiting; try again later"
        }
    }
}
