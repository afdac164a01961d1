import Foundation
import Hummingbird
import KeelCore
import KeelStore
import NIOCore

extension Request {
    /// Decodes an MLflow request from the JSON body, or from the query string of a GET.
    ///
    /// Some MLflow RPCs are reachable by both methods (the registry falls back from POST to GET),
    /// so every request type decodes from either. A body larger than the context's upload limit
    /// is RESOURCE_EXHAUSTED instead of a generic 413.
    func decodeMLflow<T: Decodable>(_ type: T.Type, context: some RequestContext) async throws -> T {
        try await decodeMLflow(type, context: context, scanned: { _ in nil })
    }

    /// Decodes a hot request body with its ``ScannableRequest`` reader, falling back to
    /// `JSONDecoder` for any body that reader leaves alone.
    func decodeMLflow<T: ScannableRequest>(_ type: T.Type, context: some RequestContext) async throws -> T {
        try await decodeMLflow(type, context: context, scanned: { buffer in
            buffer.withUnsafeReadableBytes { T.scanned($0) }
        })
    }

    private func decodeMLflow<T: Decodable>(
        _ type: T.Type, context: some RequestContext, scanned: (ByteBuffer) -> T?
    ) async throws -> T {
        if method == .get || method == .head {
            return try MLflowJSON.decode(type, from: queryAsJSON())
        }
        let body = self.body
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw KeelError(.invalidParameterValue, "The request body is larger than \(context.maxUploadSize) bytes.")
        }
        // DELETE requests from curl often carry their fields in the query string instead.
        if buffer.readableBytes == 0, uri.query?.isEmpty == false {
            return try MLflowJSON.decode(type, from: queryAsJSON())
        }
        if let value = scanned(buffer) { return value }
        return try MLflowJSON.decode(type, from: Data(buffer: buffer))
    }

    /// The query string as a JSON object: repeated keys become arrays, all values strings.
    func queryAsJSON() throws -> Data {
        var object: [String: Any] = [:]
        for (key, value) in QueryString.parse(uri.query ?? "") {
            switch object[key] {
            case nil: object[key] = value
            case let existing as String: object[key] = [existing, value]
            case let existing as [String]: object[key] = existing + [value]
            default: break
            }
        }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The value of a single query parameter, decoded.
    func queryValue(_ name: String) -> String? {
        QueryString.parse(uri.query ?? "").first { $0.key == name }?.value
    }
}

/// `application/x-www-form-urlencoded` query parsing (`+` is a space, `%XX` escapes decoded),
/// which is what Python's `requests` sends.
enum QueryString {
    static func parse(_ query: String) -> [(key: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            return (key, value)
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return PercentDecoding.decode(spaced) ?? spaced
    }
}
