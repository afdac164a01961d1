import Hummingbird
import KeelCore
import KeelServing
import NIOCore

/// The Open Inference Protocol (KServe v2) REST API under `/v2`.
///
/// Errors under `/v2` are `{"error": "..."}` (the error middleware picks the shape by path).
/// tritonclient's binary tensors are turned into JSON before they reach a worker; answers
/// are always JSON, which tritonclient reads as well.
struct OpenInferenceController<Context: RequestContext>: Sendable {
    let gateway: any InferenceGateway
    /// Reported by `GET /v2`.
    let serverVersion: String

    func addRoutes(to router: Router<Context>) {
        let v2 = router.group("v2")
        v2.get(use: serverMetadata)
        v2.get("health/live") { _, _ in ServingHTTP.json(["live": true]) }
        v2.get("health/ready", use: serverReady)
        for path in ["models/:name", "models/:name/versions/:version"] {
            v2.get(RouterPath(path), use: modelMetadata)
            v2.get(RouterPath(path + "/ready"), use: modelReady)
            v2.post(RouterPath(path + "/infer"), use: infer)
        }
    }

    @Sendable func serverMetadata(_ request: Request, context: Context) async throws -> Response {
        ServingHTTP.json(["name": "keel", "version": serverVersion, "extensions": ["binary_tensor_data"]])
    }

    @Sendable func serverReady(_ request: Request, context: Context) async throws -> Response {
        await gateway.isReady()
            ? ServingHTTP.json(["ready": true])
            : ServingHTTP.jsonError(status: .badRequest, message: "Not every model is ready yet.", openInference: true)
    }

    @Sendable func modelMetadata(_ request: Request, context: Context) async throws -> Response {
        let description = try await describe(context)
        return ServingHTTP.json([
            "name": description.name,
            "versions": description.versions,
            "platform": "mlflow",
            "inputs": description.tensors.inputs.map(Self.tensorJSON),
            "outputs": description.tensors.outputs.map(Self.tensorJSON),
        ])
    }

    @Sendable func modelReady(_ request: Request, context: Context) async throws -> Response {
        let description = try await describe(context)
        guard description.ready else {
            return ServingHTTP.jsonError(status: .badRequest, message: "Model '\(description.name)' is not ready yet.", openInference: true)
        }
        return ServingHTTP.json(["name": description.name, "ready": true])
    }

    @Sendable func infer(_ request: Request, context: Context) async throws -> Response {
        var body: ByteBuffer
        switch try await ServingHTTP.collectBody(request, openInference: true) {
        case .complete(let collected): body = collected
        case .tooLarge(let tooLarge): return tooLarge
        }
        if let headerLength = request.headers[.inferenceHeaderContentLength] {
            guard let length = Int(headerLength) else {
                throw KeelError.invalidParameter("Inference-Header-Content-Length must be an integer, got '\(headerLength)'")
            }
            body = try OpenInferenceBinaryTensors.jsonBody(from: body, headerLength: length)
        }
        let answer = try await gateway.infer(GatewayRequest(
            endpoint: try context.parameters.require("name"),
            version: context.parameters.get("version"),
            kind: .infer,
            body: body,
            headers: ServingHTTP.routingHeaders(request),
            caller: (context as? any CallerIdentifying)?.callerName
        ))
        return ServingHTTP.response(answer)
    }

    private func describe(_ context: Context) async throws -> EndpointDescription {
        try await gateway.describe(endpoint: try context.parameters.require("name"), version: context.parameters.get("version"))
    }

    private static func tensorJSON(_ tensor: TensorMetadata) -> [String: Any] {
        ["name": tensor.name, "datatype": tensor.datatype, "shape": tensor.shape]
    }
}
