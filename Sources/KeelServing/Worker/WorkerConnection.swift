import NIOConcurrencyHelpers
import NIOCore

/// The gateway's end of one worker's socket, after the worker said `hello`.
///
/// Requests may be sent from any task; replies are matched by id in the channel handler.
final class WorkerConnection: Sendable {
    /// The worker's greeting: model flavors, signature, limits, versions.
    let hello: WorkerHeader
    private let channel: any Channel
    private let nextID = NIOLockedValueBox<UInt64>(1)

    init(hello: WorkerHeader, channel: any Channel) {
        self.hello = hello
        self.channel = channel
    }

    /// Sends one request frame and waits for its reply.
    func send(_ request: WorkerRequest) async throws -> WorkerMessage {
        let id = nextID.withLockedValue { value in
            defer { value += 1 }
            return value
        }
        let reply = channel.eventLoop.makePromise(of: WorkerMessage.self)
        let frame = OutboundWorkerFrame(id: id, bytes: request.encode(id: id, allocator: channel.allocator), reply: reply)
        channel.writeAndFlush(frame).whenFailure { error in
            reply.fail(WorkerError.workerExited("write failed: \(error)"))
        }
        let message = try await reply.futureResult.get()
        return message
    }

    /// Whether the socket is still open.
    var isActive: Bool { channel.isActive }

    /// Closes the socket; outstanding requests fail with ``WorkerError/workerExited(_:)``.
    func close() {
        channel.close(promise: nil)
    }
}
