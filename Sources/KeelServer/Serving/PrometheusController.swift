import Hummingbird
import KeelServing
import NIOCore

/// `GET /metrics`: Prometheus text exposition of serving's metrics.
struct PrometheusController<Context: RequestContext>: Sendable {
    let metrics: ServingMetrics

    func addRoutes(to router: Router<Context>) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
            )
        }
    }
}
