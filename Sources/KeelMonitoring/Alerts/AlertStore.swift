import KeelCore
import KeelStore
import SQLKit

/// The `alert_rules` and `monitoring_events` tables.
struct AlertStore: Sendable {
    let store: any MetadataStore

    private struct RuleRow: Decodable {
        let ruleId: Int64
        let deployment: String
        let condition: String
        let windowSpec: String
        let webhook: String?
        let everyMs: Int64
        let state: String
        let lastValue: Double?
        let lastEvaluatedAt: Int64?
        let createdAt: Int64

        func rule() throws -> AlertRule {
            AlertRule(
                id: ruleId, deployment: deployment, condition: try AlertCondition(parsing: condition), window: windowSpec,
                webhook: webhook, everyMilliseconds: everyMs, state: AlertRule.State(rawValue: state) ?? .ok, lastValue: lastValue,
                lastEvaluatedAt: lastEvaluatedAt, createdAt: createdAt
            )
        }
    }

    private static let ruleColumns = [
        "rule_id", "deployment", "condition", "window_spec", "webhook", "every_ms", "state", "last_value", "last_evaluated_at", "created_at",
    ]

    private struct EventRow: Decodable {
        let eventId: Int64
        let ruleId: Int64
        let deployment: String
        let state: String
        let condition: String
        let metric: String
        let value: Double
        let windowSpec: String
        let webhook: String?
        let delivery: String
        let attempts: Int64
        let createdAt: Int64

        var event: AlertEvent {
            AlertEvent(
                id: eventId, ruleID: ruleId, deployment: deployment, state: state, condition: condition, metric: metric, value: value,
                window: windowSpec, webhook: webhook, delivery: delivery, attempts: Int(attempts), createdAt: createdAt
            )
        }
    }

    private static let eventColumns = [
        "event_id", "rule_id", "deployment", "state", "condition", "metric", "value", "window_spec", "webhook", "delivery", "attempts",
        "created_at",
    ]

    func insert(deployment: String, condition: AlertCondition, window: String, webhook: String?, every: Int64) async throws -> AlertRule {
        let now = Timestamp.nowMillis()
        let id = try await store.write { database in
            try await database.insert(into: "alert_rules")
                .columns("deployment", "condition", "window_spec", "webhook", "every_ms", "state", "created_at")
                .values(
                    SQLBind(deployment), SQLBind(condition.description), SQLBind(window), SQLBind(webhook), SQLBind(every),
                    SQLBind(AlertRule.State.ok.rawValue), SQLBind(now)
                )
                .returning("rule_id")
                .first(decoding: [String: Int64].self)?["rule_id"]
        }
        guard let id else { throw KeelError(.internalError, "The new alert rule got no id.") }
        return try await rule(id)
    }

    func rule(_ id: Int64) async throws -> AlertRule {
        let row = try await store.read { database in
            try await database.select().columns(Self.ruleColumns.map { SQLColumn($0) }).from("alert_rules").where("rule_id", .equal, id)
                .first(decoding: RuleRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let row else { throw KeelError.notFound("Alert rule \(id) not found.") }
        return try row.rule()
    }

    func rules(deployment: String?) async throws -> [AlertRule] {
        try await store.read { database in
            let query = database.select().columns(Self.ruleColumns.map { SQLColumn($0) }).from("alert_rules")
            if let deployment { query.where("deployment", .equal, deployment) }
            return try await query.orderBy("rule_id").all(decoding: RuleRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map { try $0.rule() }
    }

    func delete(_ id: Int64) async throws {
        let deleted = try await store.write { database in
            try await database.delete(from: "alert_rules").where("rule_id", .equal, id).returning("rule_id").all().count
        }
        guard deleted > 0 else { throw KeelError.notFound("Alert rule \(id) not found.") }
    }

    /// Records an evaluation that computed `value`.
    func noteEvaluation(_ id: Int64, value: Double?, at time: Int64) async throws {
        try await store.write { database in
            let update = database.update("alert_rules").set("last_evaluated_at", to: time)
            if let value { update.set("last_value", to: value) }
            try await update.where("rule_id", .equal, id).run()
        }
    }

    /// Moves `rule` from `from` to `to` and stores the event, or does nothing when another
    /// evaluation (on this or another replica) already moved it: the update is conditional.
    func transition(_ rule: AlertRule, from: AlertRule.State, to: AlertRule.State, value: Double, at time: Int64) async throws -> AlertEvent? {
        let id = try await store.write { database -> Int64? in
            let moved = try await database.update("alert_rules").set("state", to: to.rawValue)
                .where("rule_id", .equal, rule.id).where("state", .equal, from.rawValue)
                .returning("rule_id").all()
            guard !moved.isEmpty else { return nil }
            return try await database.insert(into: "monitoring_events")
                .columns("rule_id", "deployment", "state", "condition", "metric", "value", "window_spec", "webhook", "delivery", "attempts", "created_at")
                .values(
                    SQLBind(rule.id), SQLBind(rule.deployment), SQLBind(to == .firing ? "firing" : "resolved"),
                    SQLBind(rule.condition.description), SQLBind(rule.condition.metric.description), SQLBind(value), SQLBind(rule.window),
                    SQLBind(rule.webhook), SQLBind(rule.webhook == nil ? "none" : "pending"), SQLBind(0), SQLBind(time)
                )
                .returning("event_id")
                .first(decoding: [String: Int64].self)?["event_id"]
        }
        guard let id else { return nil }
        return try await events(after: id - 1, deployment: nil, limit: 1).first
    }

    /// Records how a webhook delivery went.
    func noteDelivery(_ eventID: Int64, status: String, attempts: Int) async throws {
        try await store.write { database in
            try await database.update("monitoring_events").set("delivery", to: status).set("attempts", to: attempts)
                .where("event_id", .equal, eventID).run()
        }
    }

    /// Events with ids above `after`, oldest first.
    func events(after: Int64, deployment: String?, limit: Int) async throws -> [AlertEvent] {
        try await store.read { database in
            let query = database.select().columns(Self.eventColumns.map { SQLColumn($0) }).from("monitoring_events")
                .where("event_id", .greaterThan, after)
            if let deployment { query.where("deployment", .equal, deployment) }
            return try await query.orderBy("event_id").limit(limit)
                .all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map(\.event)
    }

    /// The newest events, newest first.
    func recentEvents(deployment: String?, limit: Int) async throws -> [AlertEvent] {
        try await store.read { database in
            let query = database.select().columns(Self.eventColumns.map { SQLColumn($0) }).from("monitoring_events")
            if let deployment { query.where("deployment", .equal, deployment) }
            return try await query.orderBy("event_id", .descending).limit(limit)
                .all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map(\.event)
    }
}
