import Foundation
import Hummingbird
import NIOCore

/// Writes JSON straight into a `ByteBuffer`, for the responses that carry thousands of values.
///
/// `JSONEncoder` spends most of a 5,000-point metric history answer in its generic container
/// machinery; writing the known shapes by hand is several times faster. The conventions are
/// MLflow's: NaN and infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
struct JSONWriter {
    /// The text so far. Bytes go into an array, which appends far more cheaply than a
    /// `ByteBuffer` (no reference-type storage to check on every byte); the answer is copied
    /// into a buffer once, at the end.
    private var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON text written so far.
    var buffer: ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    // MARK: Structure

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in elements { element(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Starts a member of the current object; the next write is its value.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        append("\":")
        needsComma = false
    }

    /// Starts a member whose name is data (a tag key); the name is escaped.
    mutating func key(_ name: String) {
        separate()
        writeEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// An object of string members, such as tags.
    mutating func stringMap(_ values: [String: String]) {
        object { json in
            for (key, value) in values {
                json.key(key)
                json.string(value)
            }
        }
    }

    // MARK: Values

    /// A value that is already JSON text, such as a stored proto-JSON document, written as it is.
    mutating func raw(_ json: String) {
        separate()
        append(json)
        needsComma = true
    }

    mutating func string(_ value: String) {
        separate()
        writeEscaped(value)
        needsComma = true
    }

    mutating func int(_ value: Int64) {
        separate()
        appendDecimal(value)
        needsComma = true
    }

    mutating func double(_ value: Double) {
        separate()
        if value.isNaN {
            append("\"NaN\"")
        } else if value.isInfinite {
            append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"")
        } else {
            // Swift's shortest round-trip form (`0.1`, `3.0`, `1e-05`) is valid JSON.
            append(value.description)
        }
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
        needsComma = true
    }

    // MARK: Members (key and value together)

    mutating func member(_ name: StaticString, _ value: String) { key(name); string(value) }
    mutating func member(_ name: StaticString, _ value: Int64) { key(name); int(value) }
    mutating func member(_ name: StaticString, _ value: Double) { key(name); double(value) }

    /// Writes the member only when there is a value, as protobuf-JSON omits unset fields.
    mutating func member(_ name: StaticString, ifPresent value: String?) {
        if let value { member(name, value) }
    }

    mutating func member(_ name: StaticString, ifPresent value: Int64?) {
        if let value { member(name, value) }
    }

    mutating func member(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.write(to: &self)
    }

    mutating func member<Element: JSONWritable>(_ name: StaticString, _ values: [Element]) {
        key(name)
        array(values) { writer, element in element.write(to: &writer) }
    }

    // MARK: Internals

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes the digits straight into the text: no `String` per number (a history has thousands).
    private mutating func appendDecimal(_ value: Int64) {
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func writeEscaped(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        // One look at the bytes, then one copy when, as almost always, nothing needs escaping.
        value.withUTF8 { utf8 in
            guard utf8.contains(where: Self.needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case UInt8(ascii: "\n"): append("\\n")
                case UInt8(ascii: "\r"): append("\\r")
                case UInt8(ascii: "\t"): append("\\t")
                case 0..<0x20:
                    let hex = String(byte, radix: 16)
                    append("\\u00")
                    append(hex.count == 1 ? "0" + hex : hex)
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A value that writes itself with a ``JSONWriter``.
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// A response body written with ``JSONWriter``.
protocol JSONWritableResponse: JSONWritable, ResponseGenerator {
    /// About how many bytes the answer takes, so the writer need not grow while writing it.
    var expectedSize: Int { get }
}

extension JSONWritableResponse {
    var expectedSize: Int { 4096 }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter(capacity: expectedSize)
        write(to: &writer)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: writer.buffer))
    }
}

/// A page of results: `{"<items>": [...], "next_page_token": "..."}`, the shape every MLflow
/// search and history answer shares.
struct PagedJSONResponse<Item: JSONWritable>: JSONWritableResponse {
    let itemsKey: StaticString
    let items: [Item]
    let nextPageToken: String?

    /// A metric point takes about 100 bytes, a model version about 400.
    var expectedSize: Int { 256 + items.count * 256 }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member(itemsKey, items)
            json.member("next_page_token", ifPresent: nextPageToken)
        }
    }
}
