import Testing
@testable import KeelLoadDriver

@Suite("Load driver: HTTP responses")
struct HTTPResponseParserTests {
    private func parse(_ text: String) throws -> HTTPResponse? {
        try HTTPResponseParser.parse(Array(text.utf8)[...])
    }

    @Test("a Content-Length body, with what follows it left alone")
    func contentLength() throws {
        let text = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nCONTENT-LENGTH: 2\r\n\r\n{}HTTP/1.1 200"
        let response = try #require(try parse(text))
        #expect(response.status == 200 && response.body == Array("{}".utf8))
        #expect(response.consumed == text.utf8.count - "HTTP/1.1 200".utf8.count)
    }

    @Test("a chunked body is reassembled, trailers or not")
    func chunked() throws {
        let plain = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
        #expect(try parse(plain) == HTTPResponse(status: 404, body: Array("abcde".utf8), consumed: plain.utf8.count))
        let trailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Checksum: 1\r\n\r\n"
        #expect(try parse(trailers) == HTTPResponse(status: 200, body: Array("x".utf8), consumed: trailers.utf8.count))
    }

    @Test("an interim 100 Continue is skipped")
    func continueFirst() throws {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
        #expect(try parse(text) == HTTPResponse(status: 200, body: Array("x".utf8), consumed: text.utf8.count))
    }

    @Test("every prefix of a response is incomplete, not an error or a wrong answer")
    func prefixes() throws {
        for text in ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"] {
            let bytes = Array(text.utf8)
            for cut in 0..<bytes.count {
                #expect(try HTTPResponseParser.parse(bytes[..<cut]) == nil, "cut at \(cut)")
            }
            #expect(try HTTPResponseParser.parse(bytes[...])?.body == Array("hello".utf8))
        }
    }

    @Test("a response it cannot frame is an error", arguments: [
        "HTTP/1.1 200 OK\r\n\r\nbody until close",
        "SMTP ready\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    func unframed(text: String) {
        #expect(throws: HTTPResponseError.self) { try parse(text) }
    }
}
