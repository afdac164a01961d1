/// Facts about this build of Keel.
public enum KeelBuild {
    /// Keel's own version (not the MLflow version it is compatible with).
    public static let version = "0.1.0"
}
