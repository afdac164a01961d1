import NIOCore

/// A request on its way to a worker, with the promise its reply completes.
struct OutboundWorkerFrame: Sendable {
    var id: UInt64
    var bytes: ByteBuffer
    var reply: EventLoopPromise<WorkerMessage>
}

/// Matches a worker's replies to the requests sent on its connection.
///
/// The first frame a worker sends (`hello` or `fatal`) is handed to `onFirstFrame`; every later
/// frame answers the request with the same `id`. Replies come back in request order, so an
/// `error` frame without an id belongs to the oldest outstanding request. When the connection
/// ends, every outstanding request fails with ``WorkerError/workerExited(_:)``.
final class WorkerChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = WorkerMessage
    typealias OutboundIn = OutboundWorkerFrame
    typealias OutboundOut = ByteBuffer

    private var outstanding = CircularBuffer<(id: UInt64, reply: EventLoopPromise<WorkerMessage>)>()
    private var greeted = false
    private let onFirstFrame: @Sendable (WorkerMessage, any Channel) -> Void

    init(onFirstFrame: @escaping @Sendable (WorkerMessage, any Channel) -> Void) {
        self.onFirstFrame = onFirstFrame
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        outstanding.append((frame.id, frame.reply))
        context.write(wrapOutboundOut(frame.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard greeted else {
            greeted = true
            onFirstFrame(message, context.channel)
            return
        }
        guard let first = outstanding.first else {
            failAll(WorkerError.protocolViolation("unexpected '\(message.header.type)' frame with nothing outstanding"))
            context.close(promise: nil)
            return
        }
        if message.header.type == WorkerHeader.FrameType.error {
            let error = WorkerError.rejected(code: message.header.code ?? "unknown", message: message.header.message ?? "")
            let index = message.header.id.flatMap { id in outstanding.firstIndex { $0.id == id } } ?? outstanding.startIndex
            outstanding.remove(at: index).reply.fail(error)
            return
        }
        guard message.header.id == first.id else {
            failAll(WorkerError.protocolViolation("reply for id \(message.header.id.map(String.init) ?? "null"), expected \(first.id)"))
            context.close(promise: nil)
            return
        }
        outstanding.removeFirst().reply.succeed(message)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(WorkerError.workerExited("connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error as? WorkerError ?? WorkerError.workerExited("\(error)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: WorkerError) {
        while let next = outstanding.popFirst() {
            next.reply.fail(error)
        }
    }
}
