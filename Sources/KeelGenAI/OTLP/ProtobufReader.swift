import KeelCore

/// Reads the protobuf wire format: just what OTLP's trace messages need (varints, fixed64,
/// length-delimited fields), with every length checked so a malformed body is an error, not a
/// crash.
struct ProtobufReader {
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.init(bytes, from: 0, to: bytes.count)
    }

    private init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        index = start
        self.end = end
    }

    /// A field's value as the wire carries it.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ProtobufReader)
        case fixed32(UInt32)

        var reader: ProtobufReader? { if case .bytes(let reader) = self { reader } else { nil } }
        var varint: UInt64? { if case .varint(let value) = self { value } else { nil } }
        var fixed64: UInt64? { if case .fixed64(let value) = self { value } else { nil } }
    }

    var isAtEnd: Bool { index >= end }

    /// The next field's number and value, or nil at the end.
    mutating func next() throws(KeelError) -> (field: Int, value: Value)? {
        guard index < end else { return nil }
        let key = try readVarint()
        let field = Int(key >> 3)
        guard field > 0 else { throw Self.malformed("field number 0") }
        switch key & 7 {
        case 0: return (field, .varint(try readVarint()))
        case 1: return (field, .fixed64(try readFixed(8)))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(end - index) else { throw Self.malformed("a field longer than the message") }
            let sub = ProtobufReader(bytes, from: index, to: index + Int(length))
            index += Int(length)
            return (field, .bytes(sub))
        case 5: return (field, .fixed32(UInt32(try readFixed(4))))
        default: throw Self.malformed("wire type \(key & 7)")
        }
    }

    /// The remaining bytes of a length-delimited field.
    var data: [UInt8] { Array(bytes[index..<end]) }

    /// The remaining bytes as UTF-8 text.
    var string: String { String(decoding: bytes[index..<end], as: UTF8.self) }

    private mutating func readVarint() throws(KeelError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < end {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw Self.malformed("a varint longer than 10 bytes") }
        }
        throw Self.malformed("a varint cut short")
    }

    private mutating func readFixed(_ count: Int) throws(KeelError) -> UInt64 {
        guard end - index >= count else { throw Self.malformed("a fixed-width field cut short") }
        var result: UInt64 = 0
        for offset in 0..<count { result |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
        index += count
        return result
    }

    static func malformed(_ what: String) -> KeelError {
        KeelError.invalidParameter("Invalid OpenTelemetry protobuf: \(what).")
    }
}
