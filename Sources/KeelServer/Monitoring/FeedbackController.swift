import Hummingbird
import KeelCore
import KeelMonitoring
import NIOCore

/// `POST /api/2.0/keel/feedback`: ground truth for logged predictions (docs/monitoring.md).
struct FeedbackController<Context: RequestContext>: Sendable {
    let service: MonitoringService

    /// Feedback bodies above this are refused (10 000 items fit easily).
    static var maxBodyBytes: Int { 16 << 20 }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(use: record)
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw KeelError(.invalidParameterValue, "The feedback body is larger than \(Self.maxBodyBytes) bytes; send it in smaller batches.")
        }
        let batch = try FeedbackItem.decodeBatch(Array(body.readableBytesView))
        let outcome = try await service.recordFeedback(batch.items, deployment: batch.deployment)
        return ServingHTTP.json(["stored": outcome.stored, "unchanged": outcome.unchanged])
    }
}
