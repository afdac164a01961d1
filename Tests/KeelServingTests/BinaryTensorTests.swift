import Foundation
import KeelCore
@testable import KeelServing
import NIOCore
import Testing

/// Triton's binary tensor extension, as tritonclient sends it by default.
@Suite("OIP binary tensors")
struct BinaryTensorTests {
    private func body(header: [String: Any], tail: [UInt8]) throws -> (ByteBuffer, Int) {
        let json = try JSONSerialization.data(withJSONObject: header)
        var buffer = ByteBuffer(data: json)
        buffer.writeBytes(tail)
        return (buffer, json.count)
    }

    private func decoded(_ buffer: ByteBuffer) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
        return object?["inputs"] as? [[String: Any]] ?? []
    }

    @Test("FP32, INT64, BOOL and BYTES inputs become JSON data, in input order")
    func decodesTypes() throws {
        var tail: [UInt8] = []
        for value in [Float(1.5), -2] { withUnsafeBytes(of: value.bitPattern.littleEndian) { tail += $0 } }
        for value in [Int64(7), -9] { withUnsafeBytes(of: value.littleEndian) { tail += $0 } }
        tail += [1, 0]
        for word in ["hi", "hé"] {
            let bytes = Array(word.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { tail += $0 }
            tail += bytes
        }
        let header: [String: Any] = ["inputs": [
            ["name": "a", "datatype": "FP32", "shape": [2], "parameters": ["binary_data_size": 8]],
            ["name": "b", "datatype": "INT64", "shape": [2], "parameters": ["binary_data_size": 16]],
            ["name": "c", "datatype": "BOOL", "shape": [2], "parameters": ["binary_data_size": 2]],
            ["name": "d", "datatype": "BYTES", "shape": [2], "parameters": ["binary_data_size": 4 + 2 + 4 + 3]],
            ["name": "e", "datatype": "FP64", "shape": [1], "data": [3.25]],
        ], "outputs": [["name": "out", "parameters": ["binary_data": true]]]]
        let (buffer, length) = try body(header: header, tail: tail)
        let inputs = try decoded(try OpenInferenceBinaryTensors.jsonBody(from: buffer, headerLength: length))
        #expect(inputs[0]["data"] as? [Double] == [1.5, -2])
        #expect(inputs[1]["data"] as? [Int] == [7, -9])
        #expect(inputs[2]["data"] as? [Bool] == [true, false])
        #expect(inputs[3]["data"] as? [String] == ["hi", "hé"])
        #expect(inputs[4]["data"] as? [Double] == [3.25])
        #expect((inputs[0]["parameters"] as? [String: Any])?["binary_data_size"] == nil)
    }

    @Test("sizes that do not add up are INVALID_PARAMETER_VALUE")
    func mismatches() throws {
        let header: [String: Any] = ["inputs": [["name": "a", "datatype": "FP32", "shape": [2], "parameters": ["binary_data_size": 8]]]]
        let (short, length) = try body(header: header, tail: [0, 0, 0, 0])
        #expect(throws: KeelError.self) { try OpenInferenceBinaryTensors.jsonBody(from: short, headerLength: length) }
        let (long, longLength) = try body(header: header, tail: Array(repeating: 0, count: 12))
        #expect(throws: KeelError.self) { try OpenInferenceBinaryTensors.jsonBody(from: long, headerLength: longLength) }
        #expect(throws: KeelError.self) { try OpenInferenceBinaryTensors.jsonBody(from: short, headerLength: 10_000) }
        let odd: [String: Any] = ["inputs": [["name": "a", "datatype": "FP32", "shape": [1], "parameters": ["binary_data_size": 3]]]]
        let (oddBody, oddLength) = try body(header: odd, tail: [0, 0, 0])
        #expect(throws: KeelError.self) { try OpenInferenceBinaryTensors.jsonBody(from: oddBody, headerLength: oddLength) }
        let (notJSON, _) = try body(header: [:], tail: [])
        #expect(throws: KeelError.self) { try OpenInferenceBinaryTensors.jsonBody(from: notJSON, headerLength: 1) }
    }

    @Test("half precision converts exactly")
    func half() {
        #expect(OpenInferenceBinaryTensors.halfToFloat(0x3C00) == 1)
        #expect(OpenInferenceBinaryTensors.halfToFloat(0xC000) == -2)
        #expect(OpenInferenceBinaryTensors.halfToFloat(0x3555) == Float(0.333251953125))
        #expect(OpenInferenceBinaryTensors.halfToFloat(0x0001) == Float(5.960464477539063e-08))
        #expect(OpenInferenceBinaryTensors.halfToFloat(0x7C00) == .infinity)
    }

    @Test("worker frames: header, JSON-escaped content types, attachment")
    func frameEncoding() throws {
        let request = WorkerRequest(kind: .invocations, items: [
            .init(contentType: "text/csv; \"q\"", body: ByteBuffer(string: "a,b\n1,2")),
            .init(contentType: nil, body: ByteBuffer(string: "{}")),
        ])
        var frame = request.encode(id: 7, allocator: ByteBufferAllocator())
        let length = Int(frame.readInteger(as: UInt32.self)!)
        let header = try JSONSerialization.jsonObject(with: Data(buffer: frame.readSlice(length: length)!)) as? [String: Any]
        #expect(header?["type"] as? String == "invocations")
        #expect(header?["id"] as? Int == 7)
        #expect(header?["binary_length"] as? Int == 9)
        let items = header?["items"] as? [[String: Any]]
        #expect(items?[0]["content_type"] as? String == "text/csv; \"q\"")
        #expect(items?[1]["content_type"] is NSNull)
        #expect(String(buffer: frame) == "a,b\n1,2{}")
    }
}
