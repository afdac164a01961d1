import KeelCore
import NIOCore

/// The gateway of `keel serve`: one model, one runtime, no deployments and no inference log.
public final class SingleModelGateway: InferenceGateway {
    /// The name the model answers to under `/v2/models/`.
    public let name: String
    /// The version label it reports (the registry version when the URI names one, else "1").
    public let version: String
    private let runtime: ModelRuntime
    private let metrics: ServingMetrics

    /// Serves `runtime` as model `name`.
    public init(name: String, runtime: ModelRuntime, metrics: ServingMetrics) {
        self.name = name
        self.version = Self.versionLabel(for: runtime.modelURI)
        self.runtime = runtime
        self.metrics = metrics
    }

    public func infer(_ request: GatewayRequest) async throws -> GatewayResponse {
        guard request.endpoint == name else { throw Self.unknown(request.endpoint) }
        if let asked = request.version, asked != version {
            throw KeelError.notFound("Model '\(name)' has no version '\(asked)'; it serves version \(version).")
        }
        let started = ContinuousClock.now
        do {
            let response = try await runtime.score(request.scoringRequest(answeringAs: version))
            metrics.recordRequest(
                endpoint: name, version: version, protocol: request.protocolName, status: response.status, role: "primary",
                duration: ContinuousClock.now - started
            )
            return GatewayResponse(response: response, requestID: Identifiers.newHexID(), modelVersion: version)
        } catch {
            let keelError = KeelError.serving(error)
            metrics.recordRequest(
                endpoint: name, version: version, protocol: request.protocolName, status: keelError.httpStatus, role: "primary",
                duration: ContinuousClock.now - started
            )
            throw keelError
        }
    }

    public func describe(endpoint: String, version asked: String?) async throws -> EndpointDescription {
        guard endpoint == name else { throw Self.unknown(endpoint) }
        if let asked, asked != version { throw KeelError.notFound("Model '\(name)' has no version '\(asked)'.") }
        let status = runtime.currentStatus
        return EndpointDescription(
            name: name, versions: [version], ready: status.state == .ready,
            flavors: status.model?.flavors ?? [], tensors: status.model?.tensors ?? .empty
        )
    }

    public func isReady() async -> Bool {
        runtime.currentStatus.state == .ready
    }

    private static func unknown(_ endpoint: String) -> KeelError {
        KeelError.notFound("Model '\(endpoint)' is not served here.")
    }

    /// `models:/name/3` → "3"; anything else → "1".
    public static func versionLabel(for uri: String) -> String {
        guard uri.hasPrefix("models:/") else { return "1" }
        let parts = uri.dropFirst("models:/".count).split(separator: "/")
        if parts.count == 2, Int(parts[1]) != nil { return String(parts[1]) }
        return "1"
    }
}
