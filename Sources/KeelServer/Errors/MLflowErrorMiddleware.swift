import Foundation
import Hummingbird
import NIOCore
import HTTPTypes
import KeelCore
import Logging

/// Turns every error into MLflow's `{"error_code": ..., "message": ...}` body with the status
/// the MLflow client expects for that code.
///
/// Routing errors (unknown path, wrong method) become ENDPOINT_NOT_FOUND in JSON, which the
/// registry client's POST→GET fallback reacts to. Unexpected errors are logged in full and
/// answered as INTERNAL_ERROR with a one-line message: never a stack trace.
struct MLflowErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The Open Inference Protocol has its own error shape: `{"error": "..."}`.
        let format: ErrorFormat = request.uri.path.hasPrefix("/v2") ? .openInference : .mlflow
        do {
            return try await next(request, context)
        } catch let error as KeelError {
            return Self.response(for: error, format: format)
        } catch let error as HTTPError {
            return Self.response(for: Self.keelError(from: error, request: request), format: format)
        } catch let error as NIOTooManyBytesError {
            // A body past the limit can surface from NIO's collector rather than Hummingbird's.
            let limit = error.maxBytes.map { " (\($0) bytes)" } ?? ""
            return Self.response(for: KeelError(.invalidParameterValue, "The request body is too large\(limit)."), format: format)
        } catch {
            context.logger.error("Request failed: \(String(reflecting: error))", metadata: ["path": "\(request.uri.path)"])
            return Self.response(
                for: KeelError(.internalError, "Internal error: \(type(of: error)). See the server log for details."), format: format
            )
        }
    }

    /// The error body shapes Keel answers in.
    enum ErrorFormat {
        /// `{"error_code": ..., "message": ...}`
        case mlflow
        /// `{"error": ...}`
        case openInference
    }

    static func keelError(from error: HTTPError, request: Request) -> KeelError {
        switch error.status {
        case .notFound:
            KeelError(.endpointNotFound, "No API endpoint \(request.method) \(request.uri.path).")
        case .methodNotAllowed:
            KeelError(.endpointNotFound, "Method \(request.method) is not allowed for \(request.uri.path).")
        case .contentTooLarge:
            KeelError(.invalidParameterValue, error.body ?? "The request body is too large.")
        default:
            KeelError(error.status.code < 500 ? .badRequest : .internalError, error.body ?? error.status.reasonPhrase)
        }
    }

    static func response(for error: KeelError, format: ErrorFormat = .mlflow) -> Response {
        let body: [String: String] = switch format {
        case .mlflow: ["error_code": error.code.rawValue, "message": error.message]
        case .openInference: ["error": error.message]
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        // RFC 9110: a 401 names the schemes that would be accepted.
        if error.code == .unauthenticated { headers[.wwwAuthenticate] = "Basic realm=\"keel\", Bearer realm=\"keel\"" }
        return Response(status: status(for: error.code), headers: headers, body: .init(byteBuffer: .init(data: data)))
    }

    /// MLflow's `ERROR_CODE_TO_HTTP_STATUS`.
    static func status(for code: KeelError.Code) -> HTTPResponse.Status {
        HTTPResponse.Status(code: KeelError(code, "").httpStatus)
    }
}
