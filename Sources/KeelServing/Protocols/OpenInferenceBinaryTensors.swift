import Foundation
import KeelCore
public import NIOCore
import NIOFoundationCompat

/// Triton's binary tensor extension, which `tritonclient` uses by default.
///
/// The body is a JSON header of `Inference-Header-Content-Length` bytes, followed by the raw
/// bytes of every input whose `parameters.binary_data_size` is set, in input order (little
/// endian, row-major; BYTES elements as a 4-byte length and the bytes). The workers read JSON
/// only, so the gateway rewrites such a body into plain JSON with `data` arrays.
public enum OpenInferenceBinaryTensors {
    /// Rewrites a binary-extension body into plain OIP JSON.
    ///
    /// - Parameters:
    ///   - body: the whole HTTP body.
    ///   - headerLength: the value of `Inference-Header-Content-Length`.
    /// - Throws: ``KeelError`` (INVALID_PARAMETER_VALUE) describing what does not add up.
    public static func jsonBody(from body: ByteBuffer, headerLength: Int) throws -> ByteBuffer {
        guard headerLength >= 0, headerLength <= body.readableBytes else {
            throw KeelError.invalidParameter(
                "Inference-Header-Content-Length is \(headerLength) but the body has \(body.readableBytes) bytes"
            )
        }
        var rest = body
        let header = rest.readSlice(length: headerLength)!
        guard var request = (try? JSONSerialization.jsonObject(with: Data(buffer: header))) as? [String: Any] else {
            throw KeelError.invalidParameter("the inference request header is not a JSON object")
        }
        guard var inputs = request["inputs"] as? [[String: Any]] else {
            throw KeelError.invalidParameter("the inference request has no 'inputs' list")
        }
        for index in inputs.indices {
            var parameters = inputs[index]["parameters"] as? [String: Any] ?? [:]
            guard let size = parameters["binary_data_size"] else { continue }
            let name = inputs[index]["name"] as? String ?? "input \(index)"
            guard let byteCount = (size as? NSNumber)?.intValue, byteCount >= 0 else {
                throw KeelError.invalidParameter("input '\(name)': binary_data_size must be a non-negative integer")
            }
            guard let bytes = rest.readSlice(length: byteCount) else {
                throw KeelError.invalidParameter(
                    "input '\(name)' declares \(byteCount) bytes of binary data but only \(rest.readableBytes) remain"
                )
            }
            let datatype = inputs[index]["datatype"] as? String ?? ""
            inputs[index]["data"] = try decode(bytes, datatype: datatype, input: name)
            parameters["binary_data_size"] = nil
            inputs[index]["parameters"] = parameters
        }
        guard rest.readableBytes == 0 else {
            throw KeelError.invalidParameter("\(rest.readableBytes) bytes of binary data follow the inputs that declare any")
        }
        request["inputs"] = inputs
        let json = try JSONSerialization.data(withJSONObject: request)
        return ByteBuffer(data: json)
    }

    /// Turns raw little-endian tensor bytes into JSON-ready elements.
    static func decode(_ bytes: ByteBuffer, datatype: String, input: String) throws -> [Any] {
        var bytes = bytes
        func fixed<T: FixedWidthInteger>(_: T.Type, _ convert: (T) -> Any) throws -> [Any] {
            let width = MemoryLayout<T>.size
            guard bytes.readableBytes % width == 0 else {
                throw KeelError.invalidParameter("input '\(input)': \(bytes.readableBytes) bytes is not a whole number of \(datatype) elements")
            }
            var elements: [Any] = []
            elements.reserveCapacity(bytes.readableBytes / width)
            while let value = bytes.readInteger(endianness: .little, as: T.self) { elements.append(convert(value)) }
            return elements
        }
        func finite(_ value: Double) -> Any { value.isFinite ? value : NSNull() }
        switch datatype {
        case "BOOL": return try fixed(UInt8.self) { $0 != 0 }
        case "UINT8": return try fixed(UInt8.self) { $0 }
        case "UINT16": return try fixed(UInt16.self) { $0 }
        case "UINT32": return try fixed(UInt32.self) { $0 }
        case "UINT64": return try fixed(UInt64.self) { $0 }
        case "INT8": return try fixed(Int8.self) { $0 }
        case "INT16": return try fixed(Int16.self) { $0 }
        case "INT32": return try fixed(Int32.self) { $0 }
        case "INT64": return try fixed(Int64.self) { $0 }
        case "FP16": return try fixed(UInt16.self) { finite(Double(halfToFloat($0))) }
        case "BF16": return try fixed(UInt16.self) { finite(Double(Float(bitPattern: UInt32($0) << 16))) }
        case "FP32": return try fixed(UInt32.self) { finite(Double(Float(bitPattern: $0))) }
        case "FP64": return try fixed(UInt64.self) { finite(Double(bitPattern: $0)) }
        case "BYTES":
            var elements: [Any] = []
            while bytes.readableBytes > 0 {
                guard let length = bytes.readInteger(endianness: .little, as: UInt32.self),
                      let element = bytes.readSlice(length: Int(length))
                else {
                    throw KeelError.invalidParameter("input '\(input)': BYTES data ends inside an element")
                }
                elements.append(String(decoding: element.readableBytesView, as: UTF8.self))
            }
            return elements
        default:
            throw KeelError.invalidParameter("input '\(input)': unknown datatype '\(datatype)' for binary data")
        }
    }

    /// IEEE 754 half precision to single precision, without relying on `Float16` (absent on some platforms).
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: value = mantissa × 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
