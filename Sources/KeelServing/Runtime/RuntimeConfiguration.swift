/// How one model runtime runs: worker count, batching, limits.
public struct RuntimeConfiguration: Sendable, Hashable, Codable {
    /// Worker processes kept running (each loads the model once).
    public var workers: Int
    /// The most requests sent to a worker in one frame.
    public var maxBatchSize: Int
    /// How long a free worker may wait for a batch as large as its previous one (0: never waits).
    ///
    /// Under steady concurrency, the callers of a batch send their next requests a fraction
    /// of a millisecond after their answers; waiting that long gathers them into one frame
    /// instead of several small ones. A lone caller (previous batch of one) never waits.
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
    public init(workers: Int = 2, maxBatchSize: Int = 64, maxBatchWaitMilliseconds: Int = 2) {
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
