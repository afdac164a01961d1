import Crypto
import Foundation
public import KeelCore

/// A traffic split between versions of one prompt or model: each caller's key (a user or session
/// id) is hashed to a point in [0, 1), so the same key always lands on the same arm and arms get
/// shares of keys in proportion to their weights. Kept on the registered model as the tag
/// `keel.ab_test`, so it travels with the model and its permissions.
public struct ABTest: Sendable, Hashable, Codable {
    /// One side of the split.
    public struct Arm: Sendable, Hashable, Codable {
        /// A short label, `A`, `B`, … unless named.
        public var label: String
        /// The version this arm serves.
        public var version: Int64
        /// Its relative share of keys.
        public var weight: Double

        /// Creates an arm.
        public init(label: String, version: Int64, weight: Double) {
            self.label = label
            self.version = version
            self.weight = weight
        }
    }

    /// The registered model tag the split is kept in.
    public static let tag = "keel.ab_test"
    /// The most arms a split may have.
    public static let maxArms = 10

    /// The prompt or model name.
    public var name: String
    /// The arms, in order.
    public var arms: [Arm]

    /// Creates a split, checking it: 2 to 10 arms, distinct versions and labels, positive weights.
    public init(name: String, arms: [Arm]) throws(KeelError) {
        guard (2...Self.maxArms).contains(arms.count) else {
            throw .invalidParameter("An A/B test needs 2 to \(Self.maxArms) arms, got \(arms.count).")
        }
        guard Set(arms.map(\.version)).count == arms.count else { throw .invalidParameter("Each arm must serve a different version.") }
        guard Set(arms.map(\.label)).count == arms.count, arms.allSatisfy({ !$0.label.isEmpty && $0.label.count <= 64 }) else {
            throw .invalidParameter("Arm labels must be distinct and 1 to 64 characters.")
        }
        for arm in arms where !(arm.weight.isFinite && arm.weight > 0) {
            throw .invalidParameter("Arm \(arm.label) has weight \(arm.weight); weights must be positive numbers.")
        }
        self.name = name
        self.arms = arms
    }

    /// The default label of the arm at `index`: A, B, C, …
    public static func label(at index: Int) -> String {
        String(UnicodeScalar(UInt8(65 + index % 26)))
    }

    /// The arm a key is sticky to.
    public func arm(for key: String) -> Arm {
        let digest = SHA256.hash(data: Data("\(name)\u{0}\(key)".utf8))
        let high = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        // 53 bits give a uniform double in [0, 1).
        let point = Double(high >> 11) / Double(UInt64(1) << 53)
        let total = arms.reduce(0) { $0 + $1.weight }
        var reached = 0.0
        for arm in arms {
            reached += arm.weight / total
            if point < reached { return arm }
        }
        return arms[arms.count - 1]
    }

    /// The split as the tag stores it.
    func encoded() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// Reads a split back from its tag.
    static func decode(_ text: String, name: String) throws(KeelError) -> ABTest {
        guard let stored = try? JSONDecoder().decode(ABTest.self, from: Data(text.utf8)) else {
            throw .invalidParameter("The \(tag) tag on '\(name)' is not a valid A/B test; set it again with PUT /api/2.0/keel/genai/ab-tests/\(name).")
        }
        return try ABTest(name: name, arms: stored.arms)
    }
}
