import Foundation
import Hummingbird
import HTTPTypes
import KeelCore
import KeelServing
import NIOCore

/// Headers every inference answer carries.
extension HTTPField.Name {
    /// The id under which the request is in the inference log.
    static let keelRequestID = Self("X-Keel-Request-Id")!
    /// The registry version that answered.
    static let keelModelVersion = Self("X-Keel-Model-Version")!
    /// Triton's binary extension: how many leading bytes of the body are JSON.
    static let inferenceHeaderContentLength = Self("Inference-Header-Content-Length")!
}

/// Turns gateway answers into HTTP responses, and HTTP bodies into gateway requests.
enum ServingHTTP {
    /// The largest inference body accepted (413 above it), as the worker's own limit allows.
    static let maxBodyBytes = 64 << 20

    /// The model's answer with the request id and version headers.
    static func response(_ answer: GatewayResponse) -> Response {
        Response(
            status: HTTPResponse.Status(code: answer.response.status),
            headers: [
                .contentType: answer.response.contentType,
                .keelRequestID: answer.requestID,
                .keelModelVersion: answer.modelVersion,
            ],
            body: ResponseBody(byteBuffer: answer.response.body)
        )
    }

    /// Reads the whole body, or answers 413 in the protocol's error format.
    static func collectBody(_ request: Request, openInference: Bool) async throws -> CollectedBody {
        do {
            return .complete(try await request.body.collect(upTo: maxBodyBytes))
        } catch is NIOTooManyBytesError {
            let message = "The request body is larger than \(maxBodyBytes) bytes."
            return .tooLarge(jsonError(status: .contentTooLarge, message: message, openInference: openInference))
        }
    }

    /// A request body, or the 413 answer for one that was too large.
    enum CollectedBody {
        case complete(ByteBuffer)
        case tooLarge(Response)
    }

    /// A JSON error body: `{"error": ...}` for OIP, MLflow's `{"error_code", "message"}` otherwise.
    static func jsonError(status: HTTPResponse.Status, message: String, openInference: Bool) -> Response {
        let code = switch status {
        case .contentTooLarge: "RESOURCE_EXHAUSTED"
        case .serviceUnavailable: KeelError.Code.temporarilyUnavailable.rawValue
        default: KeelError.Code.badRequest.rawValue
        }
        let body: [String: String] = openInference ? ["error": message] : ["error_code": code, "message": message]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// A small JSON object answer.
    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// Header values a traffic policy may route on, by lower-cased name.
    static func routingHeaders(_ request: Request) -> [String: String] {
        var headers: [String: String] = [:]
        for field in request.headers where field.name.canonicalName.hasPrefix("x-") {
            headers[field.name.canonicalName] = field.value
        }
        return headers
    }
}
