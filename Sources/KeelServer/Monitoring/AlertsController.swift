import Hummingbird
import KeelCore
import KeelMonitoring

/// Alert rules and fired alerts under `/api/2.0/keel/alerts` (docs/monitoring.md, "Alerts").
struct AlertsController<Context: RequestContext>: Sendable {
    let service: AlertService

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("rules", use: create)
        group.get("rules", use: rules)
        group.delete("rules/:id", use: delete)
        group.post("rules/:id/evaluate", use: evaluate)
        group.get(use: alerts)
    }

    struct CreateRuleBody: Decodable {
        let deployment: String
        let when: String
        let window: String?
        let webhook: String?
        let every: String?
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeMLflow(CreateRuleBody.self, context: context)
        let rule = try await service.create(
            AlertRuleRequest(deployment: body.deployment, when: body.when, window: body.window, webhook: body.webhook, every: body.every)
        )
        return ServingHTTP.json(["rule": MonitoringJSON.rule(rule)])
    }

    @Sendable func rules(_ request: Request, context: Context) async throws -> Response {
        let deployment = request.uri.queryParameters["deployment"].map(String.init)
        return ServingHTTP.json(["rules": try await service.rules(deployment: deployment).map(MonitoringJSON.rule)])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await service.delete(try Self.ruleID(context))
        return ServingHTTP.json([:])
    }

    @Sendable func evaluate(_ request: Request, context: Context) async throws -> Response {
        let evaluation = try await service.evaluate(try Self.ruleID(context))
        var object: [String: Any] = ["rule": MonitoringJSON.rule(evaluation.rule), "state": evaluation.rule.state.rawValue]
        if let value = evaluation.value, value.isFinite { object["value"] = value }
        if let event = evaluation.event { object["alert"] = MonitoringJSON.event(event) }
        return ServingHTTP.json(object)
    }

    @Sendable func alerts(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let limitText = query["max_results"].map(String.init) ?? "100"
        guard let limit = Int(limitText) else { throw KeelError.invalidParameter("max_results must be an integer, got '\(limitText)'.") }
        let events = try await service.recent(deployment: query["deployment"].map(String.init), limit: limit)
        return ServingHTTP.json(["alerts": events.map(MonitoringJSON.event)])
    }

    static func ruleID(_ context: Context) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw KeelError.invalidParameter("The rule id must be a number, got '\(text)'.") }
        return id
    }
}
