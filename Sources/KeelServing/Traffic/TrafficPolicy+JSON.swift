import Foundation
import KeelCore

/// The wire form: `{"kind": "canary", "candidate": "4", "percent": 10}` and so on.
///
/// Versions are strings on the wire, as in MLflow's registry API; numbers are accepted too.
extension TrafficPolicy: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, candidate, percent, variants
        case stickyHeader = "sticky_header"
    }

    private struct Variant: Codable {
        var version: ModelVersionNumber
        var weight: Double
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "single"
        switch kind {
        case "single":
            self = .single
        case "canary":
            self = .canary(
                candidate: try Self.require(container, .candidate, for: kind).value,
                percent: try container.decodeIfPresent(Double.self, forKey: .percent) ?? 10
            )
        case "ab":
            let variants = try container.decodeIfPresent([Variant].self, forKey: .variants) ?? []
            self = .abTest(
                variants: variants.map { WeightedVersion(version: $0.version.value, weight: $0.weight) },
                stickyHeader: try container.decodeIfPresent(String.self, forKey: .stickyHeader)
            )
        case "shadow":
            self = .shadow(candidate: try Self.require(container, .candidate, for: kind).value)
        default:
            throw KeelError.invalidParameter("Unknown traffic kind '\(kind)': use single, canary, ab or shadow.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .single:
            break
        case .canary(let candidate, let percent):
            try container.encode(String(candidate), forKey: .candidate)
            try container.encode(percent, forKey: .percent)
        case .abTest(let variants, let stickyHeader):
            try container.encode(variants.map { Variant(version: ModelVersionNumber(value: $0.version), weight: $0.weight) }, forKey: .variants)
            try container.encodeIfPresent(stickyHeader, forKey: .stickyHeader)
        case .shadow(let candidate):
            try container.encode(String(candidate), forKey: .candidate)
        }
    }

    private static func require(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, for kind: String) throws -> ModelVersionNumber {
        guard let value = try container.decodeIfPresent(ModelVersionNumber.self, forKey: key) else {
            throw KeelError.invalidParameter("Traffic kind '\(kind)' needs '\(key.rawValue)' (a model version).")
        }
        return value
    }

    /// The policy as stored in the `deployments.traffic` column.
    func jsonText() -> String {
        let data = (try? JSONEncoder.sortedKeys.encode(self)) ?? Data(#"{"kind":"single"}"#.utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the stored column back.
    static func fromJSONText(_ text: String) throws -> TrafficPolicy {
        try JSONDecoder().decode(TrafficPolicy.self, from: Data(text.utf8))
    }
}

/// A model version as the wire writes it, `"3"` or `3`; always positive.
public struct ModelVersionNumber: Codable, Hashable, Sendable {
    /// The version.
    public var value: Int64

    /// Wraps a version.
    public init(value: Int64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else {
            throw KeelError.invalidParameter("A model version must be a positive integer.")
        }
        guard value > 0 else { throw KeelError.invalidParameter("A model version must be a positive integer, got \(value).") }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(value))
    }
}

extension JSONEncoder {
    /// An encoder with stable key order, for stored JSON.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
