public import Prometheus

/// Alerting's Prometheus metrics, in the registry `/metrics` renders.
public struct AlertMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    static var transitions: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "alerts", unitName: "total",
        helpText: "Alert transitions stored by this server, by deployment, rule and state (firing, resolved)"
    ) }
    static var firing: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "alert_firing", unitName: "",
        helpText: "1 while an alert rule is firing, 0 otherwise, as of its last evaluation"
    ) }

    /// Creates the metrics in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func recordTransition(deployment: String, rule: Int64, state: String) {
        registry.makeCounter(descriptor: Self.transitions, labels: [("deployment", deployment), ("rule", String(rule)), ("state", state)])
            .increment()
    }

    func recordState(deployment: String, rule: Int64, firing: Bool) {
        registry.makeGauge(descriptor: Self.firing, labels: [("deployment", deployment), ("rule", String(rule))]).set(to: firing ? 1.0 : 0.0)
    }
}
