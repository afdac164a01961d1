import KeelCore
import Foundation

/// An OpenTelemetry `AnyValue`: what span attributes hold. Kept typed, because MLflow's client
/// turns each back into a Python value (a `kvlist_value` becomes a dict, a `string_value` a str).
public indirect enum AttributeValue: Sendable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case array([AttributeValue])
    case keyValues([(String, AttributeValue)])
    case bytes([UInt8])
    /// An AnyValue with nothing set (Python's `None`).
    case empty

    /// Writes the value as OTLP proto-JSON with MLflow's snake_case names: `{"string_value": "x"}`,
    /// `{"kvlist_value": {"values": [{"key": ..., "value": ...}]}}`; non-finite doubles as
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`.
    func write(to out: inout JSONText) {
        out.open("{")
        switch self {
        case .string(let value): out.member("string_value", value)
        case .bool(let value):
            out.key("bool_value")
            out.raw(value ? "true" : "false")
        case .int(let value): out.integer("int_value", value)
        case .double(let value):
            if value.isFinite {
                out.key("double_value")
                out.raw("\(value)")
            } else {
                out.member("double_value", value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
            }
        case .array(let values):
            out.key("array_value")
            out.open("{")
            out.key("values")
            out.open("[")
            for value in values { value.write(to: &out) }
            out.close("]")
            out.close("}")
        case .keyValues(let pairs):
            out.key("kvlist_value")
            out.open("{")
            out.key("values")
            Self.write(pairs, to: &out)
            out.close("}")
        case .bytes(let value): out.member("bytes_value", Data(value).base64EncodedString())
        case .empty: break
        }
        out.close("}")
    }

    /// `[{"key": ..., "value": ...}, ...]`.
    static func write(_ pairs: [(String, AttributeValue)], to out: inout JSONText) {
        out.open("[")
        for (key, value) in pairs {
            out.open("{")
            out.member("key", key)
            out.key("value")
            value.write(to: &out)
            out.close("}")
        }
        out.close("]")
    }

    /// Decodes an `AnyValue` message.
    static func decode(_ reader: ProtobufReader) throws(KeelError) -> AttributeValue {
        var reader = reader
        var value = AttributeValue.empty
        while let (field, wire) = try reader.next() {
            switch (field, wire) {
            case (1, .bytes(let text)): value = .string(text.string)
            case (2, .varint(let flag)): value = .bool(flag != 0)
            case (3, .varint(let number)): value = .int(Int64(bitPattern: number))
            case (4, .fixed64(let bits)): value = .double(Double(bitPattern: bits))
            case (5, .bytes(var list)):
                var values: [AttributeValue] = []
                while let (inner, element) = try list.next() {
                    guard inner == 1 else { continue }
                    if let element = element.reader { values.append(try decode(element)) }
                }
                value = .array(values)
            case (6, .bytes(var list)):
                var pairs: [(String, AttributeValue)] = []
                while let (inner, element) = try list.next() {
                    guard inner == 1 else { continue }
                    if let element = element.reader { pairs.append(try decodeKeyValue(element)) }
                }
                value = .keyValues(pairs)
            case (7, .bytes(let data)): value = .bytes(data.data)
            default: continue
            }
        }
        return value
    }

    /// Decodes a `KeyValue` message.
    static func decodeKeyValue(_ reader: ProtobufReader) throws(KeelError) -> (String, AttributeValue) {
        var reader = reader
        var key = ""
        var value = AttributeValue.empty
        while let (field, wire) = try reader.next() {
            if field == 1, let text = wire.reader { key = text.string }
            if field == 2, let inner = wire.reader { value = try decode(inner) }
        }
        return (key, value)
    }

    /// The value as plain text, for columns and tags (strings as they are, the rest as JSON).
    public var text: String {
        if case .string(let value) = self { return value }
        let object = plain
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed, .sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return ""
    }

    /// As a plain JSON value (dicts, lists, numbers).
    var plain: Any {
        switch self {
        case .string(let value): value
        case .bool(let value): value
        case .int(let value): NSNumber(value: value)
        case .double(let value): value
        case .array(let values): values.map(\.plain)
        case .keyValues(let pairs): Dictionary(pairs.map { ($0.0, $0.1.plain) }, uniquingKeysWith: { $1 })
        case .bytes(let value): Data(value).base64EncodedString()
        case .empty: NSNull()
        }
    }
}
