import Hummingbird
import KeelCore
import KeelTracking

/// MLflow's `metrics/*` endpoints.
struct MetricsController<Context: RequestContext>: Sendable {
    let tracking: TrackingService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("get-history", use: history)
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> PagedJSONResponse<MetricJSON> {
        let input = try await request.decodeMLflow(MetricHistoryRequest.self, context: context)
        let (metrics, next) = try await tracking.metricHistory(
            runID: input.runID, key: input.metricKey, maxResults: input.maxResults, pageToken: input.pageToken
        )
        return PagedJSONResponse(itemsKey: "metrics", items: metrics.map { MetricJSON($0) }, nextPageToken: next)
    }
}
