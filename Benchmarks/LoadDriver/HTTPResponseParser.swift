/// One whole HTTP/1.1 response found at the start of a buffer.
struct HTTPResponse: Equatable {
    /// The status code.
    var status: Int
    /// The body, de-chunked.
    var body: [UInt8]
    /// How many bytes of the buffer the response took.
    var consumed: Int
}

/// A response the driver cannot read; the connection's request counts as failed.
struct HTTPResponseError: Error, Equatable, CustomStringConvertible {
    /// What was wrong with it.
    var description: String
}

/// Reads responses with a `Content-Length` or a chunked body: what both servers send.
///
/// Only what the benchmark needs: no close-delimited bodies, no trailers kept. Header names
/// are matched case-insensitively; an interim `100 Continue` is skipped.
enum HTTPResponseParser {
    /// The first whole response in `buffer`, or `nil` when more bytes are needed.
    static func parse(_ buffer: ArraySlice<UInt8>) throws(HTTPResponseError) -> HTTPResponse? {
        guard let headEnd = find(crlfcrlf, in: buffer) else { return nil }
        let lines = split(buffer[buffer.startIndex..<headEnd])
        guard let statusLine = lines.first, let status = statusCode(statusLine) else {
            throw HTTPResponseError(description: "not an HTTP/1.1 status line")
        }
        let bodyStart = headEnd + 4
        if status == 100 {
            guard var rest = try parse(buffer[bodyStart...]) else { return nil }
            rest.consumed += bodyStart - buffer.startIndex
            return rest
        }
        var contentLength: Int?
        var chunked = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces().lowercased()
            if name == "content-length" {
                guard let length = Int(value), length >= 0 else {
                    throw HTTPResponseError(description: "bad Content-Length \(value)")
                }
                contentLength = length
            } else if name == "transfer-encoding", value.contains("chunked") {
                chunked = true
            }
        }
        if chunked { return try dechunk(buffer, status: status, from: bodyStart) }
        guard let contentLength else {
            throw HTTPResponseError(description: "status \(status): a response without Content-Length or chunked encoding")
        }
        guard buffer.endIndex - bodyStart >= contentLength else { return nil }
        return HTTPResponse(status: status, body: Array(buffer[bodyStart..<bodyStart + contentLength]),
                            consumed: bodyStart + contentLength - buffer.startIndex)
    }

    private static let crlfcrlf: [UInt8] = Array("\r\n\r\n".utf8)
    private static let crlf: [UInt8] = Array("\r\n".utf8)

    private static func dechunk(_ buffer: ArraySlice<UInt8>, status: Int, from start: Int) throws(HTTPResponseError) -> HTTPResponse? {
        var body: [UInt8] = []
        var cursor = start
        while true {
            guard let lineEnd = find(crlf, in: buffer[cursor...]) else { return nil }
            let sizeText = String(decoding: buffer[cursor..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16), size >= 0 else {
                throw HTTPResponseError(description: "bad chunk size \(sizeText)")
            }
            if size == 0 {
                // The last chunk: optional trailers end with an empty line.
                guard let end = find(crlfcrlf, in: buffer[lineEnd...]) else { return nil }
                return HTTPResponse(status: status, body: body, consumed: end + 4 - buffer.startIndex)
            }
            let chunkStart = lineEnd + 2
            guard buffer.endIndex - chunkStart >= size + 2 else { return nil }
            body.append(contentsOf: buffer[chunkStart..<chunkStart + size])
            cursor = chunkStart + size + 2
        }
    }

    /// The status code of `HTTP/1.x NNN reason`.
    private static func statusCode(_ line: ArraySlice<UInt8>) -> Int? {
        let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 2)
        guard fields.count >= 2, fields[0].starts(with: Array("HTTP/1.".utf8)) else { return nil }
        return Int(String(decoding: fields[1], as: UTF8.self))
    }

    private static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        while let end = find(crlf, in: head[start...]) {
            lines.append(head[start..<end])
            start = end + 2
        }
        lines.append(head[start...])
        return lines
    }

    /// Index of the first occurrence of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
