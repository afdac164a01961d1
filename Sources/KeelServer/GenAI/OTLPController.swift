import Foundation
import HTTPTypes
import Hummingbird
import KeelCore
import KeelGenAI
import NIOCore

/// `POST /v1/traces`: OTLP/HTTP trace export (protobuf or JSON), as MLflow's client and any
/// OpenTelemetry SDK send it, with the experiment in the `x-mlflow-experiment-id` header or,
/// without it, in the resource attribute `mlflow.experimentId`.
/// The body may be gzip- or deflate-compressed. Answers an empty `ExportTraceServiceResponse`.
struct OTLPController: Sendable {
    typealias Context = KeelRequestContext
    let traces: TraceService

    static let experimentHeader = HTTPField.Name("x-mlflow-experiment-id")!

    func addRoutes(to router: Router<Context>) {
        router.post("v1/traces", use: export)
    }

    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard contentType == "application/x-protobuf" || contentType == "application/json" else {
            throw KeelError(.badRequest, "Invalid Content-Type '\(contentType)': send OTLP as application/x-protobuf or application/json.")
        }
        let body = try await request.decodedBody(upTo: context.maxUploadSize)
        let bytes = Array(body.readableBytesView)
        let spans = contentType == "application/json" ? try OTLPTraceRequest.decode(json: bytes) : try OTLPTraceRequest.decode(protobuf: bytes)
        let experiment = try request.headers[Self.experimentHeader].flatMap { $0.isEmpty ? nil : $0 } ?? OTLPTraceRequest.experiment(of: spans)
        _ = try await traces.ingest(spans, experimentID: experiment)
        // The answer takes the request's encoding: an empty ExportTraceServiceResponse.
        if contentType == "application/json" { return ServingHTTP.json([:]) }
        return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init())
    }
}
