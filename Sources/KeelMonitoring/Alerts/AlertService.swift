import Foundation
import KeelCore
public import Logging

/// Alert rules: stores them, evaluates them on their schedules, and delivers what fires.
///
/// Every server replica runs ``run(tick:)``; a transition is stored by exactly one of them
/// because moving a rule's state is a conditional update (docs/monitoring.md, "Alerts").
public actor AlertService {
    let monitoring: MonitoringService
    let alerts: AlertStore
    let metrics: AlertMetrics
    let delivery: WebhookDelivery
    let logger: Logger

    /// The shortest evaluation interval a rule may ask for.
    public static let minimumEvery: Int64 = 1000

    /// Creates the service.
    public init(monitoring: MonitoringService, metrics: AlertMetrics, logger: Logger) {
        self.monitoring = monitoring
        alerts = AlertStore(store: monitoring.store)
        self.metrics = metrics
        delivery = WebhookDelivery(logger: logger)
        self.logger = logger
    }

    /// Creates a rule after checking its deployment, condition, window, webhook and schedule.
    public func create(_ request: AlertRuleRequest) async throws -> AlertRule {
        let condition = try AlertCondition(parsing: request.when)
        let window = request.window ?? "1h"
        _ = try AlertRule.window(window)
        if let webhook = request.webhook { try AlertRule.validateWebhook(webhook) }
        let every = try InferenceWindow.duration(request.every ?? "1m", parameter: "every")
        guard every >= Self.minimumEvery else { throw KeelError.invalidParameter("every must be at least 1s.") }
        _ = try await monitoring.deployments.get(request.deployment)
        return try await alerts.insert(
            deployment: request.deployment, condition: condition, window: window, webhook: request.webhook, every: every
        )
    }

    /// Rules, of one deployment or all.
    public func rules(deployment: String?) async throws -> [AlertRule] {
        try await alerts.rules(deployment: deployment)
    }

    /// Deletes a rule; its past alerts stay.
    public func delete(_ id: Int64) async throws {
        try await alerts.delete(id)
    }

    /// Stored transitions, newest first.
    public func recent(deployment: String?, limit: Int = 100) async throws -> [AlertEvent] {
        guard (1...1000).contains(limit) else { throw KeelError.invalidParameter("max_results must be between 1 and 1000.") }
        return try await alerts.recentEvents(deployment: deployment, limit: limit)
    }

    /// What one evaluation found.
    public struct Evaluation: Sendable {
        /// The rule after the evaluation.
        public var rule: AlertRule
        /// The metric's value, nil when it could not be computed.
        public var value: Double?
        /// The transition stored by this evaluation, if any.
        public var event: AlertEvent?
    }

    /// Evaluates rule `id` now.
    public func evaluate(_ id: Int64) async throws -> Evaluation {
        try await evaluate(try await alerts.rule(id))
    }

    func evaluate(_ rule: AlertRule) async throws -> Evaluation {
        let now = Timestamp.nowMillis()
        let value = try await monitoring.value(of: rule.condition.metric, deployment: rule.deployment, window: try rule.inferenceWindow)
        try await alerts.noteEvaluation(rule.id, value: value, at: now)
        var event: AlertEvent?
        if let value {
            let holds = rule.condition.holds(value)
            if holds, rule.state == .ok {
                event = try await alerts.transition(rule, from: .ok, to: .firing, value: value, at: now)
            } else if !holds, rule.state == .firing {
                event = try await alerts.transition(rule, from: .firing, to: .ok, value: value, at: now)
            }
        }
        let updated = try await alerts.rule(rule.id)
        metrics.recordState(deployment: updated.deployment, rule: updated.id, firing: updated.state == .firing)
        if let event {
            metrics.recordTransition(deployment: event.deployment, rule: event.ruleID, state: event.state)
            logger.notice(
                "Alert \(event.state): \(event.condition) on \(event.deployment)",
                metadata: ["rule": "\(event.ruleID)", "value": "\(event.value)"]
            )
            if let webhook = event.webhook { send(event, to: webhook) }
        }
        return Evaluation(rule: updated, value: value, event: event)
    }

    /// Evaluates every rule whose interval has passed, every `tick`, until cancelled.
    public func run(tick: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            do {
                let now = Timestamp.nowMillis()
                for rule in try await alerts.rules(deployment: nil) where (rule.lastEvaluatedAt ?? 0) + rule.everyMilliseconds <= now {
                    do {
                        _ = try await evaluate(rule)
                    } catch {
                        logger.warning("Alert rule \(rule.id) could not be evaluated: \(error)")
                        try? await alerts.noteEvaluation(rule.id, value: nil, at: now)
                    }
                }
            } catch {
                logger.warning("Alert rules could not be read: \(error)")
            }
            try? await Task.sleep(for: tick)
        }
    }

    private func send(_ event: AlertEvent, to webhook: String) {
        let body = Self.webhookBody(event)
        let delivery = delivery
        let alerts = alerts
        let logger = logger
        Task {
            let outcome = await delivery.deliver(body, to: webhook)
            do {
                try await alerts.noteDelivery(event.id, status: outcome.delivered ? "delivered" : "failed", attempts: outcome.attempts)
            } catch {
                logger.warning("Delivery of alert \(event.id) could not be recorded: \(error)")
            }
        }
    }

    /// The JSON a webhook receives.
    static func webhookBody(_ event: AlertEvent) -> Data {
        let object: [String: Any] = [
            "alert_id": event.id, "rule_id": event.ruleID, "deployment": event.deployment, "state": event.state,
            "when": event.condition, "metric": event.metric, "value": event.value, "window": event.window,
            "fired_at": event.createdAt,
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
