import Foundation

/// Milliseconds since the Unix epoch, the unit every MLflow timestamp uses.
public enum Timestamp {
    /// The current wall-clock time in epoch milliseconds.
    public static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
