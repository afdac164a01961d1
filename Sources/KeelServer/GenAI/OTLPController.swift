import Foundation
import HTTPTypes
import Hummingbird
import KeelCore
import KeelGenAI
import NIOCore

/// `POST /v1/traces`: OTLP/HTTP trace export (protobuf), as MLflow's client and any
/// OpenTelemetry SDK send it, with the experiment in the `x-mlflow-experiment-id` header.
/// Answers an empty `ExportTraceServiceResponse`.
struct OTLPController: Sendable {
    typealias Context = KeelRequestContext
    let traces: TraceService

    static let experimentHeader = HTTPField.Name("x-mlflow-experiment-id")!

    func addRoutes(to router: Router<Context>) {
        router.post("v1/traces", use: export)
    }

    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        guard let experiment = request.headers[Self.experimentHeader], !experiment.isEmpty else {
            throw KeelError.invalidParameter("Name the experiment in the x-mlflow-experiment-id header.")
        }
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard contentType == "application/x-protobuf" else {
            throw KeelError(.badRequest, "Invalid Content-Type '\(contentType)': send OTLP as application/x-protobuf.")
        }
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            throw KeelError(.badRequest, "Content-Encoding '\(encoding)' is not supported; send the export uncompressed.")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let spans = try OTLPTraceRequest.decode(protobuf: Array(body.readableBytesView))
        _ = try await traces.ingest(spans, experimentID: experiment)
        return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init())
    }
}
