import Foundation

/// A JSON document as a tree, with booleans kept apart from numbers.
///
/// Monitoring reads request and response bodies written by many clients; `JSONSerialization`
/// on Linux cannot tell `true` from `1`, and a label's type matters (a class `true` is not the
/// number 1), so bodies are decoded into this instead.
enum LooseJSON: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([LooseJSON])
    case object([String: LooseJSON], keys: [String])

    init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var object: [String: LooseJSON] = [:]
            for key in keyed.allKeys { object[key.stringValue] = try keyed.decode(LooseJSON.self, forKey: key) }
            self = .object(object, keys: keyed.allKeys.map(\.stringValue))
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [LooseJSON] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(LooseJSON.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Parses `text`, or nil when it is not JSON.
    static func parse(_ text: some StringProtocol) -> LooseJSON? {
        try? JSONDecoder().decode(LooseJSON.self, from: Data(text.utf8))
    }

    subscript(key: String) -> LooseJSON? {
        if case .object(let object, _) = self { return object[key] }
        return nil
    }

    var array: [LooseJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A scalar as the text a CSV cell would hold (pandas' spelling of booleans, whole numbers
    /// without `.0`), nil for null and for arrays and objects.
    var cellText: String? {
        switch self {
        case .null, .array, .object: nil
        case .bool(let flag): flag ? "True" : "False"
        case .number(let value): Self.text(value)
        case .string(let text): text
        }
    }

    /// Whether this is a plain value (not an array or object).
    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
