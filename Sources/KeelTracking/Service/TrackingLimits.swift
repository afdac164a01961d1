/// MLflow's limits on one `log-batch` request (`MAX_METRICS_PER_BATCH` and friends).
public enum BatchLimits {
    /// Metrics in one batch.
    public static let metrics = 1000
    /// Params in one batch.
    public static let params = 100
    /// Tags in one batch.
    public static let tags = 100
    /// Metrics, params and tags together.
    public static let total = 1000
}
