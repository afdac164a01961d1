import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The Unix socket every worker of one gateway connects to.
///
/// The gateway only ever accepts: a worker loads its model first and then connects, so a
/// slow or broken model never blocks the gateway. A spawner announces the worker id it is
/// about to start with ``expect(_:)``, then awaits ``connection(for:)``; the worker's first
/// frame (`hello` or `fatal`) settles it, as does ``fail(_:with:)`` when the process exits
/// or takes too long.
final class WorkerListener: Sendable {
    /// The socket path, short enough for `sun_path`.
    let socketPath: String
    private let serverChannel: any Channel
    private let arrivals = NIOLockedValueBox<[Int: Arrival]>([:])
    private let nextWorkerID = NIOLockedValueBox(1)
    private let logger: Logger

    private enum Arrival {
        case expected
        case waiting(CheckedContinuation<WorkerConnection, any Error>)
        case arrived(Result<WorkerConnection, any Error>)
    }

    private init(socketPath: String, serverChannel: any Channel, logger: Logger) {
        self.socketPath = socketPath
        self.serverChannel = serverChannel
        self.logger = logger
    }

    /// Binds a fresh socket in the system's temporary directory.
    static func start(group: any EventLoopGroup, logger: Logger) async throws -> WorkerListener {
        let path = NSTemporaryDirectory() + "keel-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let box = NIOLockedValueBox<WorkerListener?>(nil)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WorkerFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(WorkerChannelHandler { message, channel in
                        box.withLockedValue { $0 }?.received(first: message, on: channel)
                    })
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        let listener = WorkerListener(socketPath: path, serverChannel: channel, logger: logger)
        box.withLockedValue { $0 = listener }
        return listener
    }

    /// A worker id not used before on this listener.
    func makeWorkerID() -> Int {
        nextWorkerID.withLockedValue { value in
            defer { value += 1 }
            return value
        }
    }

    /// Announces that worker `id` is about to be started.
    func expect(_ id: Int) {
        arrivals.withLockedValue { $0[id] = .expected }
    }

    /// Waits until worker `id` says hello (or fails).
    func connection(for id: Int) async throws -> WorkerConnection {
        try await withCheckedThrowingContinuation { continuation in
            let settled: Result<WorkerConnection, any Error>? = arrivals.withLockedValue { arrivals in
                switch arrivals[id] {
                case .arrived(let result):
                    arrivals[id] = nil
                    return result
                case .expected:
                    arrivals[id] = .waiting(continuation)
                    return nil
                case .waiting, nil:
                    return .failure(WorkerError.protocolViolation("worker \(id) was not expected"))
                }
            }
            if let settled { continuation.resume(with: settled) }
        }
    }

    /// Settles the wait for worker `id` with an error, unless it already said hello.
    func fail(_ id: Int, with error: any Error) {
        settle(id, .failure(error))
    }

    /// Settles the wait for worker `id` after its process exited, unless it already did.
    ///
    /// A worker that fails to load writes a `fatal` frame and exits at once; the exit can be
    /// reported before the event loop has read that frame. The grace lets the frame, which
    /// says *why*, win over the bare exit status.
    func processExited(_ id: Int, with error: any Error) {
        serverChannel.eventLoop.scheduleTask(in: Self.exitGrace) { [self] in
            settle(id, .failure(error))
        }
    }

    /// How long an exit waits for frames the worker wrote before it.
    static let exitGrace = TimeAmount.milliseconds(500)

    /// Stops accepting and removes the socket file.
    func close() async {
        try? await serverChannel.close()
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    private func received(first message: WorkerMessage, on channel: any Channel) {
        let header = message.header
        guard let id = header.workerID else {
            logger.warning("a worker connected without a worker_id; closing it")
            channel.close(promise: nil)
            return
        }
        switch header.type {
        case WorkerHeader.FrameType.hello where header.protocol == WorkerHeader.supportedProtocol:
            let connection = WorkerConnection(hello: header, channel: channel)
            if !settle(id, .success(connection)) { channel.close(promise: nil) }
        case WorkerHeader.FrameType.hello:
            channel.close(promise: nil)
            settle(id, .failure(WorkerError.protocolViolation(
                "worker speaks protocol \(header.protocol.map(String.init) ?? "?"), Keel speaks \(WorkerHeader.supportedProtocol)"
            )))
        case WorkerHeader.FrameType.fatal:
            channel.close(promise: nil)
            settle(id, .failure(WorkerError.modelUnavailable(header.message ?? "the model worker could not start")))
        default:
            channel.close(promise: nil)
            settle(id, .failure(WorkerError.protocolViolation("first frame was '\(header.type)', not hello")))
        }
    }

    /// Returns false when nobody expected worker `id` any more (it was already settled).
    @discardableResult
    private func settle(_ id: Int, _ result: Result<WorkerConnection, any Error>) -> Bool {
        let waiter: CheckedContinuation<WorkerConnection, any Error>?? = arrivals.withLockedValue { arrivals in
            switch arrivals[id] {
            case .expected:
                arrivals[id] = .arrived(result)
                return .some(nil)
            case .waiting(let continuation):
                arrivals[id] = nil
                return .some(continuation)
            case .arrived, nil:
                return nil
            }
        }
        guard let waiter else { return false }
        waiter?.resume(with: result)
        return true
    }
}
