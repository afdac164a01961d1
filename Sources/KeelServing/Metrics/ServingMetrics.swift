public import Prometheus

/// Serving's Prometheus metrics: requests, latency, batch sizes, worker restarts.
///
/// Labels are the deployment (or model) and the version that answered, so a canary's error
/// rate and latency can be compared with the primary's on one dashboard.
public final class ServingMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// Latency buckets from 0.5 ms to 10 s.
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10),
    ]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

    static var requests: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "inference_requests", unitName: "total",
        helpText: "Inference requests answered, by deployment, version, protocol, HTTP status and role (primary, candidate, shadow)"
    ) }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "inference_request_duration", unitName: "seconds",
        helpText: "Time from receiving an inference request to having the model's answer"
    ) }
    static var batchSize: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "inference_batch", unitName: "size",
        helpText: "Requests sent to a model worker in one frame (adaptive batching)"
    ) }
    static var restarts: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "worker_restarts", unitName: "total",
        helpText: "Model worker processes restarted after a crash, a timeout or memory recycling"
    ) }
    static var droppedLogRecords: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "keel", metricName: "inference_log_dropped", unitName: "total",
        helpText: "Inference-log records dropped because the write queue was full"
    ) }

    /// Creates the metrics in `registry` (a fresh one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts one answered request and records its latency.
    func recordRequest(endpoint: String, version: String, protocol: String, status: Int, role: String, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests,
            labels: [("deployment", endpoint), ("version", version), ("protocol", `protocol`), ("status", String(status)), ("role", role)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.latency,
            labels: [("deployment", endpoint), ("version", version), ("role", role)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// An observer that records one runtime's batches and restarts.
    public func observer(endpoint: String, version: String) -> any RuntimeObserver {
        RuntimeMetricsObserver(
            batchSize: registry.makeValueHistogram(
                descriptor: Self.batchSize, labels: [("deployment", endpoint), ("version", version)], buckets: Self.batchBuckets
            ),
            restarts: registry.makeCounter(descriptor: Self.restarts, labels: [("deployment", endpoint), ("version", version)])
        )
    }

    /// Counts inference-log records dropped because the write queue was full.
    func recordDroppedLogRecords(_ count: Int) {
        registry.makeCounter(descriptor: Self.droppedLogRecords).increment(by: Int64(count))
    }

    /// The text exposition format.
    public func render() -> String {
        registry.emitToString()
    }
}

private struct RuntimeMetricsObserver: RuntimeObserver {
    let batchSize: ValueHistogram
    let restarts: Counter

    func batchDispatched(size: Int) { batchSize.record(Double(size)) }
    func workerRestarted() { restarts.increment() }
}
