/// Where a model runtime is in its life.
public enum RuntimeState: String, Sendable, Hashable, Codable {
    /// Workers are loading the model; requests wait in the queue.
    case starting
    /// At least one worker answers.
    case ready
    /// The model cannot be served (see the message); requests fail at once.
    case failed
    /// Stopped: no longer takes requests.
    case stopped
}

/// A snapshot of a runtime, for APIs and health checks.
public struct RuntimeStatus: Sendable, Hashable {
    /// The state.
    public var state: RuntimeState
    /// Why it failed, or the last worker problem.
    public var message: String?
    /// Workers configured.
    public var workers: Int
    /// Workers that said hello and are connected.
    public var readyWorkers: Int
    /// Worker restarts so far (crashes, timeouts, memory recycling).
    public var restarts: Int
    /// Process ids of the workers that answer now.
    public var workerPIDs: [Int32] = []
    /// What the first worker reported about the model.
    public var model: LoadedModelDescription?
}

/// What a worker reported about the model it loaded.
public struct LoadedModelDescription: Sendable, Hashable {
    /// MLflow flavors in the MLmodel file.
    public var flavors: [String]
    /// Run, logged model, versions.
    public var info: WorkerModelInfo?
    /// Open Inference Protocol inputs/outputs.
    public var tensors: WorkerTensorSignature
}

/// Receives a runtime's events, to turn them into metrics.
public protocol RuntimeObserver: Sendable {
    /// A batch of `size` requests was sent to a worker.
    func batchDispatched(size: Int)
    /// A worker was restarted.
    func workerRestarted()
}
