import Foundation

/// Generators for the identifiers Keel hands out.
///
/// Run ids are 32 lowercase hex characters, the shape MLflow's client and UI expect.
public enum Identifiers {
    /// A new random 32-hex-character id, as MLflow uses for runs and dataset inputs.
    public static func newHexID() -> String {
        var id = UUID().uuidString.lowercased()
        id.removeAll { $0 == "-" }
        return id
    }
}
