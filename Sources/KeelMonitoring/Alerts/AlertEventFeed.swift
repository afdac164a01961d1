public import KeelStore

/// The seam through which other parts react to alerts: the pipelines part keeps the id of the
/// last event it handled and asks for what came after, e.g. to start a retraining run for
/// each `firing` event of a rule it is bound to.
///
/// Events come from the `monitoring_events` table, so every replica (and a process that only
/// reads the store) sees the same feed in the same order.
public struct AlertEventFeed: Sendable {
    let alerts: AlertStore

    /// A feed over `store`.
    public init(store: any MetadataStore) {
        alerts = AlertStore(store: store)
    }

    /// Events with ids above `after` (0 for the first), oldest first, at most `limit`.
    public func events(after: Int64, deployment: String? = nil, limit: Int = 100) async throws -> [AlertEvent] {
        try await alerts.events(after: after, deployment: deployment, limit: max(1, min(limit, 1000)))
    }

    /// The newest event's id (0 when there is none): where a new subscriber starts.
    public func latestID() async throws -> Int64 {
        try await alerts.recentEvents(deployment: nil, limit: 1).first?.id ?? 0
    }
}
