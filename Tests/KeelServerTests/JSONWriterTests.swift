import Foundation
import NIOCore
import Testing
@testable import KeelServer

/// The hand-written JSON of large answers: what it writes must parse back to the same values.
@Suite("JSON writer")
struct JSONWriterTests {
    private static func text(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter(capacity: 8)
        body(&writer)
        return String(buffer: writer.buffer)
    }

    @Test("integers at every width, including both ends of Int64")
    func integers() throws {
        let values: [Int64] = [0, 7, -7, 10, -10, 1_750_000_000_000, .max, .min, .max - 1, .min + 1]
        let json = Self.text { json in json.array(values) { json, value in json.int(value) } }
        #expect(json == "[" + values.map(String.init).joined(separator: ",") + "]")
    }

    @Test("strings are escaped where JSON needs it and copied whole where it does not")
    func strings() throws {
        let values = ["plain", "", "quote \" backslash \\ slash /", "lines\n\r\t", "\u{0}\u{1}\u{1F}", "unicode é 😀"]
        let json = Self.text { json in json.array(values) { json, value in json.string(value) } }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String])
        #expect(parsed == values)
        #expect(json.contains(#""plain""#) && json.contains(#"\u0000\u0001\u001f"#))
    }

    @Test("objects with doubles, non-finite values as MLflow's strings")
    func objects() throws {
        let json = Self.text { json in
            json.object { json in
                json.member("a", 0.1)
                json.member("b", Double.nan)
                json.member("c", -Double.infinity)
                json.member("d", Int64(-42))
                json.member("e", ifPresent: String?.none)
            }
        }
        #expect(json == #"{"a":0.1,"b":"NaN","c":"-Infinity","d":-42}"#)
    }
}
