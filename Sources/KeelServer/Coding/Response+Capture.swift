import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

extension Response {
    /// Reads a small JSON answer's body and returns the response with the same bytes, so a
    /// middleware can learn what a handler created. Bodies over `limit` are left unread.
    func capturingJSON(limit: Int = 1 << 20) async throws -> (response: Response, object: [String: Any]?) {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit { return (self, nil) }
        let collector = BodyCollector()
        try await body.write(collector)
        var copy = self
        copy.body = ResponseBody(byteBuffer: collector.buffer)
        let object = collector.buffer.readableBytes <= limit
            ? (try? JSONSerialization.jsonObject(with: Data(buffer: collector.buffer))) as? [String: Any]
            : nil
        return (copy, object)
    }
}

/// A response body writer that keeps what is written.
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var chunk = buffer
        self.buffer.writeBuffer(&chunk)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
