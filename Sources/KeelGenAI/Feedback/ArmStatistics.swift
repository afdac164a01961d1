public import KeelMonitoring

/// What the traces of one version (an arm) show over a span of time.
public struct ArmStatistics: Sendable {
    /// The prompt or model version.
    public var version: Int64
    /// Traces that used it.
    public var traces: Int64 = 0
    /// Of those, traces that ended in ERROR.
    public var errors: Int64 = 0
    /// Trace durations, in milliseconds.
    public var latencyMilliseconds = Moments()
    /// Total tokens per trace, from MLflow's `mlflow.trace.tokenUsage` metadata.
    public var totalTokens = Moments()
    /// Feedback by assessment name (`user_feedback`, `relevance`, …).
    public var feedback: [String: FeedbackStatistics] = [:]

    /// Creates empty statistics for a version.
    public init(version: Int64) {
        self.version = version
    }

    /// Adds another span's statistics of the same version.
    public mutating func merge(_ other: ArmStatistics) {
        traces += other.traces
        errors += other.errors
        latencyMilliseconds.merge(other.latencyMilliseconds)
        totalTokens.merge(other.totalTokens)
        for (name, statistics) in other.feedback {
            feedback[name, default: FeedbackStatistics(kind: statistics.kind)].values.merge(statistics.values)
        }
    }
}

/// The feedback of one name on one arm.
public struct FeedbackStatistics: Sendable {
    /// Booleans (thumbs) are compared as proportions, numbers as means.
    public enum Kind: String, Sendable {
        /// true/false feedback; `values.sum` counts the trues.
        case boolean
        /// Numeric scores.
        case number
    }

    /// Boolean or numeric.
    public var kind: Kind
    /// The values, a boolean counted as 1 or 0.
    public var values = Moments()

    /// Creates empty statistics of a kind.
    public init(kind: Kind) {
        self.kind = kind
    }
}

/// One arm's statistics in one time bucket.
public struct ArmBucket: Sendable {
    /// The bucket's start, epoch milliseconds (the window's start when not bucketed).
    public var start: Int64
    /// The statistics.
    public var statistics: ArmStatistics
}
