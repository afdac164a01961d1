import Hummingbird
import KeelServing

/// MLflow's scoring protocol: `POST …/invocations` and `GET …/ping`.
///
/// Mounted twice: under `/deployments/{name}` in `keel server`, and at the root for the one
/// model of `keel serve` (where `endpoint` is fixed). The worker writes the answer bodies,
/// so they are exactly what `mlflow models serve` would send.
struct ScoringController<Context: RequestContext>: Sendable {
    let gateway: any InferenceGateway
    /// The endpoint for routes without a `{name}` parameter (`keel serve`).
    var fixedEndpoint: String?

    func addRoutes(to router: RouterGroup<Context>) {
        let prefix = fixedEndpoint == nil ? ":name/" : ""
        router.post("\(prefix)invocations", use: invocations)
        // `mlflow models serve` (FastAPI) answers other methods with 405 and this body.
        router.get("\(prefix)invocations") { _, _ in
            ServingHTTP.json(["detail": "Method Not Allowed"], status: .methodNotAllowed)
        }
        router.get("\(prefix)ping", use: ping)
        if fixedEndpoint != nil { router.get("health", use: ping) }
    }

    @Sendable func invocations(_ request: Request, context: Context) async throws -> Response {
        let endpoint = try endpointName(context)
        let body: ByteBuffer
        switch try await ServingHTTP.collectBody(request, openInference: false) {
        case .complete(let collected): body = collected
        case .tooLarge(let tooLarge): return tooLarge
        }
        let answer = try await gateway.infer(GatewayRequest(
            endpoint: endpoint,
            version: nil,
            kind: .invocations(contentType: request.headers[.contentType]),
            body: body,
            headers: ServingHTTP.routingHeaders(request),
            caller: (context as? any CallerIdentifying)?.callerName
        ))
        return ServingHTTP.response(answer)
    }

    /// 200 with `"\n"` (as `mlflow models serve`) when the model answers, else 503.
    @Sendable func ping(_ request: Request, context: Context) async throws -> Response {
        let description = try await gateway.describe(endpoint: try endpointName(context), version: nil)
        guard description.ready else {
            return ServingHTTP.jsonError(status: .serviceUnavailable, message: "The model '\(description.name)' is not ready yet.", openInference: false)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "\n")))
    }

    private func endpointName(_ context: Context) throws -> String {
        if let fixedEndpoint { return fixedEndpoint }
        return try context.parameters.require("name")
    }
}
