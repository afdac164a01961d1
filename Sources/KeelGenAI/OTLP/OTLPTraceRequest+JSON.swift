import Foundation
import KeelCore

extension OTLPTraceRequest {
    /// Decodes OTLP/JSON (`application/json`): lowerCamelCase fields, hex trace and span ids,
    /// 64-bit numbers as strings or numbers. snake_case names are accepted too.
    public static func decode(json data: [UInt8]) throws -> [OTLPSpan] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any] else {
            throw KeelError.invalidParameter("Invalid OpenTelemetry format: the body is not a JSON object.")
        }
        guard let batches = field(object, "resourceSpans") as? [[String: Any]] else {
            throw KeelError.invalidParameter("Invalid OpenTelemetry format: the request holds no resourceSpans.")
        }
        var spans: [OTLPSpan] = []
        for batch in batches {
            let resource = try attributes(field(field(batch, "resource") as? [String: Any] ?? [:], "attributes"))
            for scope in field(batch, "scopeSpans") as? [[String: Any]] ?? [] {
                for span in field(scope, "spans") as? [[String: Any]] ?? [] {
                    spans.append(try decodeSpan(span, resource: resource))
                }
            }
        }
        return spans
    }

    private static func field(_ object: [String: Any], _ camel: String) -> Any? {
        if let value = object[camel] { return value }
        let snake = camel.reduce(into: "") { text, character in
            if character.isUppercase { text += "_" + character.lowercased() } else { text.append(character) }
        }
        return object[snake]
    }

    private static func decodeSpan(_ object: [String: Any], resource: [(String, AttributeValue)]) throws -> OTLPSpan {
        let status = field(object, "status") as? [String: Any] ?? [:]
        let code = Int(try integer(field(status, "code")) ?? 0)
        let span = OTLPSpan(
            traceID: try hexBytes(field(object, "traceId"), count: 16, what: "traceId"),
            spanID: try hexBytes(field(object, "spanId"), count: 8, what: "spanId"),
            parentSpanID: (field(object, "parentSpanId") as? String).map { $0.isEmpty } ?? true ? [] : try hexBytes(field(object, "parentSpanId"), count: 8, what: "parentSpanId"),
            name: field(object, "name") as? String ?? "",
            kind: Int(try integer(field(object, "kind")) ?? 0),
            startNanos: UInt64(bitPattern: try integer(field(object, "startTimeUnixNano")) ?? 0),
            endNanos: UInt64(bitPattern: try integer(field(object, "endTimeUnixNano")) ?? 0),
            attributes: try attributes(field(object, "attributes")),
            events: try (field(object, "events") as? [[String: Any]] ?? []).map { event in
                OTLPSpan.Event(
                    timeNanos: UInt64(bitPattern: try integer(field(event, "timeUnixNano")) ?? 0), name: field(event, "name") as? String ?? "",
                    attributes: try attributes(field(event, "attributes"))
                )
            },
            statusCode: ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"][min(max(code, 0), 2)],
            statusMessage: field(status, "message") as? String ?? "",
            resource: resource
        )
        return span
    }

    private static func attributes(_ value: Any?) throws -> [(String, AttributeValue)] {
        try (value as? [[String: Any]] ?? []).map { pair in
            (pair["key"] as? String ?? "", try anyValue(pair["value"] as? [String: Any] ?? [:]))
        }
    }

    private static func anyValue(_ object: [String: Any]) throws -> AttributeValue {
        if let text = field(object, "stringValue") as? String { return .string(text) }
        if let flag = field(object, "boolValue") as? Bool { return .bool(flag) }
        if let number = try integer(field(object, "intValue")) { return .int(number) }
        if let number = field(object, "doubleValue") as? NSNumber { return .double(number.doubleValue) }
        if let list = field(object, "arrayValue") as? [String: Any] {
            return .array(try (list["values"] as? [[String: Any]] ?? []).map(anyValue))
        }
        if let list = field(object, "kvlistValue") as? [String: Any] { return .keyValues(try attributes(list["values"])) }
        if let text = field(object, "bytesValue") as? String, let data = Data(base64Encoded: text) { return .bytes(Array(data)) }
        return .empty
    }

    /// OTLP/JSON writes 64-bit integers as strings; numbers are accepted too.
    private static func integer(_ value: Any?) throws -> Int64? {
        switch value {
        case nil, is NSNull: return nil
        case let text as String:
            guard let number = Int64(text) ?? UInt64(text).map({ Int64(bitPattern: $0) }) else {
                throw KeelError.invalidParameter("Invalid OpenTelemetry format: '\(text)' is not an integer.")
            }
            return number
        case let number as NSNumber: return number.int64Value
        default: throw KeelError.invalidParameter("Invalid OpenTelemetry format: expected an integer.")
        }
    }

    private static func hexBytes(_ value: Any?, count: Int, what: String) throws -> [UInt8] {
        guard let text = value as? String, text.count == count * 2 else {
            throw KeelError.invalidParameter("Cannot convert OpenTelemetry span: \(what) must be \(count * 2) hex digits.")
        }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else {
                throw KeelError.invalidParameter("Cannot convert OpenTelemetry span: \(what) must be hex digits.")
            }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
