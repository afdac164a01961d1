/// MLflow truncates over-long param and tag values instead of refusing them
/// (`MLFLOW_TRUNCATE_LONG_VALUES`, on by default); Keel does the same so clients behave identically.
public enum ValueLimits {
    /// `MAX_PARAM_VAL_LENGTH`.
    public static let paramValue = 6000
    /// `MAX_TAG_VAL_LENGTH` for run tags.
    public static let runTagValue = 8000
    /// `MAX_EXPERIMENT_NAME_LENGTH`.
    public static let experimentName = 500
    /// `MAX_EXPERIMENT_TAG_KEY_LENGTH`.
    public static let experimentTagKey = 250
    /// `MAX_EXPERIMENT_TAG_VAL_LENGTH`.
    public static let experimentTagValue = 20000

    /// `value` cut to at most `limit` characters.
    public static func truncated(_ value: String, to limit: Int) -> String {
        value.count <= limit ? value : String(value.prefix(limit))
    }
}
