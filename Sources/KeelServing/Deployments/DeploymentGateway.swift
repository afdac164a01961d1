import KeelCore
import NIOCore

/// The request path of deployments: pick a version by policy, score, log, count.
///
/// Reads only the route table (one lock, no actor hop). A shadow copy is scored in a
/// detached task after the caller's answer is ready, so a slow or failing candidate never
/// changes what the caller sees.
final class DeploymentGateway: InferenceGateway {
    private let routes: RouteTable
    private let metrics: ServingMetrics
    private let log: InferenceLogWriter

    init(routes: RouteTable, metrics: ServingMetrics, log: InferenceLogWriter) {
        self.routes = routes
        self.metrics = metrics
        self.log = log
    }

    func infer(_ request: GatewayRequest) async throws -> GatewayResponse {
        let route = try self.route(request.endpoint)
        let decision: DeploymentRoute.Decision
        if let asked = request.version {
            guard let target = route.target(version: asked) else {
                throw KeelError.notFound("Deployment '\(route.name)' does not serve version '\(asked)'.")
            }
            decision = DeploymentRoute.Decision(target: target, role: target.version == route.primary.version ? "primary" : "pinned", shadow: nil)
        } else {
            decision = route.decide(headers: request.headers)
        }
        let requestID = Identifiers.newHexID()
        let receivedAt = Timestamp.nowMillis()
        let sensitive = route.sensitiveColumns
        let (response, error) = await score(
            request, on: decision.target, role: decision.role, requestID: requestID, receivedAt: receivedAt, sensitive: sensitive
        )
        if let shadow = decision.shadow {
            Task.detached { [self] in
                _ = await score(request, on: shadow, role: "shadow", requestID: requestID, receivedAt: receivedAt, sensitive: sensitive)
            }
        }
        guard let response else { throw error! }
        return GatewayResponse(response: response, requestID: requestID, modelVersion: decision.target.label)
    }

    /// Scores on one target and records the outcome in the log and the metrics.
    private func score(
        _ request: GatewayRequest, on target: DeploymentRoute.Target, role: String, requestID: String, receivedAt: Int64,
        sensitive: SensitiveColumns?
    ) async -> (ScoringResponse?, KeelError?) {
        let started = ContinuousClock.now
        var response: ScoringResponse?
        var failure: KeelError?
        do {
            response = try await target.runtime.score(request.scoringRequest(answeringAs: target.label))
        } catch {
            failure = KeelError.serving(error)
        }
        let elapsed = ContinuousClock.now - started
        let status = response?.status ?? failure?.httpStatus ?? 500
        metrics.recordRequest(
            endpoint: request.endpoint, version: target.label, protocol: request.protocolName, status: status, role: role,
            duration: elapsed
        )
        log.append(InferenceRecord(
            requestID: requestID, role: role, deployment: request.endpoint, modelVersion: target.label,
            protocolName: request.protocolName, status: status,
            latencyMicroseconds: elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000,
            timestampMilliseconds: receivedAt,
            requestBody: sensitive.map { $0.loggedText(request.body) } ?? InferenceRecord.storedText(request.body),
            responseBody: response.map { InferenceRecord.storedText($0.body) } ?? failure.map { "{\"error\": \(JSONStringLiteral.quote($0.message))}" },
            caller: request.caller
        ))
        return (response, failure)
    }

    func describe(endpoint: String, version: String?) async throws -> EndpointDescription {
        let route = try self.route(endpoint)
        let target: DeploymentRoute.Target
        if let version {
            guard let pinned = route.target(version: version) else {
                throw KeelError.notFound("Deployment '\(endpoint)' does not serve version '\(version)'.")
            }
            target = pinned
        } else {
            target = route.primary
        }
        let status = target.runtime.currentStatus
        return EndpointDescription(
            name: endpoint, versions: route.targets.map(\.label), ready: status.state == .ready,
            flavors: status.model?.flavors ?? [], tensors: status.model?.tensors ?? .empty
        )
    }

    func isReady() async -> Bool {
        routes.routes.values.allSatisfy { $0.primary.runtime.currentStatus.state == .ready }
    }

    private func route(_ name: String) throws -> DeploymentRoute {
        switch routes.lookup(name) {
        case .route(let route):
            return route
        case .unavailable(let message):
            throw KeelError(.temporarilyUnavailable, "Deployment '\(name)' cannot serve: \(message)")
        case .unknown(let loaded):
            if !loaded { throw KeelError(.temporarilyUnavailable, "Deployments are still being loaded; try again shortly.") }
            throw KeelError.notFound("Deployment '\(name)' not found.")
        }
    }
}
