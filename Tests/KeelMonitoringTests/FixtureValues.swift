import Foundation

/// The reference values scipy and Evidently computed (Fixtures/make_reference_values.py).
///
/// `nonisolated(unsafe)`: parsed once, then only read.
enum FixtureValues {
    nonisolated(unsafe) static let all: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reference_values.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The cases of one section.
    static func cases(_ section: String) -> [[String: Any]] {
        all[section] as? [[String: Any]] ?? []
    }

    /// A number as the generator wrote it (non-finite values are the strings "nan", "inf", "-inf").
    static func number(_ value: Any?) -> Double {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let text as String: Double(text) ?? .nan
        default: .nan
        }
    }

    static func numbers(_ value: Any?) -> [Double] {
        (value as? [Any] ?? []).map(number)
    }

    /// Category values as strings: numbers in their decimal form, so keys compare as values.
    static func categories(_ value: Any?) -> [String?] {
        (value as? [Any] ?? []).map(categoryKey)
    }

    static func categoryKey(_ value: Any) -> String? {
        switch value {
        case let number as NSNumber: number.doubleValue.isNaN ? nil : String(number.doubleValue)
        case let text as String: text
        default: nil
        }
    }
}

/// `a` and `b` agree to `tolerance` relative (or absolutely, near zero), both NaN, or both the same infinity.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-300) || abs(a - b) < 1e-300
}
