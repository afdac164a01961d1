import Foundation

/// Generators for the identifiers Keel hands out.
///
/// Run ids are 32 lowercase hex characters, the shape MLflow's client and UI expect.
public enum Identifiers {
    /// A new random 32-hex-character id, as MLflow uses for dataset inputs; also fit for secrets.
    public static func newHexID() -> String {
        var id = UUID().uuidString.lowercased()
        id.removeAll { $0 == "-" }
        return id
    }

    /// A new 32-hex-character id that sorts by creation time: a UUIDv7 (RFC 9562) without dashes.
    ///
    /// Run ids key the runs, params, tags and metric indexes. A random id lands every new run on
    /// a random page of each of those B-trees, so each commit rewrites as many scattered pages;
    /// an id that grows with time appends beside the runs being written just before it, and a
    /// commit touches a few hot pages instead. 74 random bits keep ids unguessable; the time in
    /// them is the run's start time, which the API shows anyway.
    public static func newTimeOrderedHexID(milliseconds: Int64 = Timestamp.nowMillis()) -> String {
        var generator = SystemRandomNumberGenerator()
        let time = UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
        let high = time << 16 | 0x7000 | UInt64.random(in: 0...0x0FFF, using: &generator)
        let low = 0x8000_0000_0000_0000 | generator.next() & 0x3FFF_FFFF_FFFF_FFFF
        return hex(high) + hex(low)
    }

    /// Sixteen lowercase hex digits, zero-padded.
    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
