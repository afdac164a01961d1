/// How one model runtime runs: worker count, batching, limits.
public struct RuntimeConfiguration: Sendable, Hashable, Codable {
    /// Worker processes kept running (each loads the model once).
    public var workers: Int
    /// The most requests sent to a worker in one frame.
    public var maxBatchSize: Int
    /// How long a free worker waits for more requests before sending a small batch (0: never).
    public var maxBatchWaitMilliseconds: Int
    /// Requests waiting beyond this many are refused with 503.
    public var maxQueuedRequests: Int = 10_000
    /// A request not answered within this many seconds is failed (504) and its worker replaced.
    public var requestTimeoutSeconds: Double = 60
    /// A worker that has not said hello within this many seconds is stopped.
    public var loadTimeoutSeconds: Double = 600
    /// A worker whose resident memory exceeds this is replaced between requests (0: no limit).
    public var maxWorkerMemoryMegabytes: Int = 4096

    /// Creates a configuration.
    public init(workers: Int = 2, maxBatchSize: Int = 64, maxBatchWaitMilliseconds: Int = 0) {
        self.workers = workers
        self.maxBatchSize = maxBatchSize
        self.maxBatchWaitMilliseconds = maxBatchWaitMilliseconds
    }

    /// The limits users may choose within.
    public enum Limits {
        /// Most worker processes per runtime.
        public static let maxWorkers = 32
        /// Largest batch.
        public static let maxBatchSize = 4096
        /// Longest batching wait.
        public static let maxBatchWaitMilliseconds = 1000
    }
}
