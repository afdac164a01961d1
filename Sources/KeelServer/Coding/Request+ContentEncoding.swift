import CompressNIO
import HTTPTypes
import Hummingbird
import KeelCore
import NIOCore

extension Request {
    /// The body, inflated when the sender compressed it (`Content-Encoding: gzip` or `deflate`,
    /// as OpenTelemetry exporters do with `compression=gzip`).
    ///
    /// Both the compressed and the inflated size are held to `limit`, so a small compressed body
    /// that inflates into gigabytes is refused with 413 instead of filling memory.
    func decodedBody(upTo limit: Int) async throws -> ByteBuffer {
        var body = try await self.body.collect(upTo: limit)
        let encoding = headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() ?? "identity"
        let algorithm: CompressionAlgorithm
        switch encoding {
        case "", "identity": return body
        case "gzip", "x-gzip": algorithm = .gzip()
        case "deflate": algorithm = .zlib()
        default:
            throw KeelError(.badRequest, "Content-Encoding '\(encoding)' is not supported; send the body as gzip, deflate or uncompressed.")
        }
        let tooLarge = HTTPError(.contentTooLarge, message: "The body inflates to more than \(limit) bytes.")
        do {
            // compress-nio's cap counts the sizes it asks for, not the (rounded-up) capacities it
            // gets, so it may inflate up to twice the limit: the size is checked again here.
            let inflated = try body.decompress(with: algorithm, maxSize: limit)
            guard inflated.readableBytes <= limit else { throw tooLarge }
            return inflated
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw tooLarge
        } catch let error as HTTPError {
            throw error
        } catch {
            throw KeelError(.badRequest, "The body is not valid \(encoding) data (\(error)).")
        }
    }
}
