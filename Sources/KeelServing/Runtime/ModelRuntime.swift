import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One model served by a pool of long-lived Python worker processes.
///
/// Requests go into a ``BatchQueue``; each worker slot runs a loop that takes a batch, sends it
/// as one frame, and completes each request's promise from the reply. A slot whose worker
/// dies starts a new one (with back-off); requests the dead worker held are retried once on
/// another worker. The gateway never blocks: callers await a promise, slots await the socket.
public final class ModelRuntime: Sendable {
    /// The URI the workers load (`models:/name/3`, `runs:/…`, a directory).
    public let modelURI: String
    /// Batching, worker count and limits.
    public let configuration: RuntimeConfiguration

    private let launch: WorkerLaunchConfiguration
    private let listener: WorkerListener
    private let eventLoops: any EventLoopGroup
    private let queue: BatchQueue
    private let observer: (any RuntimeObserver)?
    private let logger: Logger
    private let status: NIOLockedValueBox<RuntimeStatus>
    private let slots = NIOLockedValueBox<[Task<Void, Never>]>([])
    private let stopping = NIOLockedValueBox(false)

    init(
        modelURI: String,
        configuration: RuntimeConfiguration,
        launch: WorkerLaunchConfiguration,
        listener: WorkerListener,
        eventLoops: any EventLoopGroup,
        observer: (any RuntimeObserver)?,
        logger: Logger
    ) {
        self.modelURI = modelURI
        self.configuration = configuration
        self.launch = launch
        self.listener = listener
        self.eventLoops = eventLoops
        self.queue = BatchQueue(capacity: configuration.maxQueuedRequests)
        self.observer = observer
        var logger = logger
        logger[metadataKey: "model"] = "\(modelURI)"
        self.logger = logger
        self.status = NIOLockedValueBox(RuntimeStatus(
            state: .starting, message: nil, workers: configuration.workers, readyWorkers: 0, restarts: 0, model: nil
        ))
    }

    /// Starts the worker processes; returns at once (see ``status`` or ``waitUntilSettled(timeout:)``).
    func start() {
        let tasks = (0..<configuration.workers).map { _ in
            Task { await self.runSlot() }
        }
        slots.withLockedValue { $0 = tasks }
    }

    /// The current state, worker counts and model description.
    public var currentStatus: RuntimeStatus {
        status.withLockedValue { $0 }
    }

    /// Sends one request to a worker (batched with others) and returns the worker's answer.
    ///
    /// Throws ``WorkerError`` when the model cannot answer (not loaded, timed out, crashed
    /// twice) and ``ServingError/overloaded(queued:)`` when too many requests wait.
    public func score(_ request: ScoringRequest) async throws -> ScoringResponse {
        let snapshot = currentStatus
        if snapshot.state == .failed { throw WorkerError.modelUnavailable(snapshot.message ?? "the model failed to load") }
        let promise = eventLoops.next().makePromise(of: ScoringResponse.self)
        do {
            try await queue.enqueue(PendingScore(request: request, promise: promise))
        } catch {
            promise.fail(error)
            throw error
        }
        return try await promise.futureResult.get()
    }

    /// Waits until the runtime is ready or failed, or `timeout` passes; returns the state then.
    public func waitUntilSettled(timeout: Duration) async -> RuntimeStatus {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let snapshot = currentStatus
            if snapshot.state != .starting { return snapshot }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return currentStatus
    }

    /// Stops taking requests, answers every queued one, then stops the workers.
    ///
    /// Workers that do not finish within `grace` are killed.
    public func drainAndStop(grace: Duration = .seconds(30)) async {
        stopping.withLockedValue { $0 = true }
        await queue.close()
        let tasks = slots.withLockedValue { $0 }
        let deadline = Task {
            try await Task.sleep(for: grace)
            await self.queue.failAll(WorkerError.modelUnavailable("the model was stopped"))
            for task in tasks { task.cancel() }
        }
        for task in tasks { await task.value }
        deadline.cancel()
        // Requests a dying worker handed back after the others had stopped.
        await queue.failAll(WorkerError.modelUnavailable("the model was stopped"))
        status.withLockedValue { $0.state = .stopped; $0.readyWorkers = 0 }
    }

    // MARK: - Worker slots

    private var isStopping: Bool { stopping.withLockedValue { $0 } }

    /// Keeps one worker alive until the runtime stops.
    private func runSlot() async {
        var quickFailures = 0
        while !isStopping, !Task.isCancelled {
            let started = ContinuousClock.now
            let outcome = await runOneWorker()
            if isStopping || Task.isCancelled { return }
            switch outcome {
            case .modelUnavailable(let message):
                logger.error("the model cannot be served: \(message)")
                status.withLockedValue { $0.state = .failed; $0.message = message }
                await queue.failAll(WorkerError.modelUnavailable(message))
                return
            case .ended(let why):
                observer?.workerRestarted()
                status.withLockedValue { $0.restarts += 1; $0.message = why }
                quickFailures = ContinuousClock.now - started < .seconds(10) ? quickFailures + 1 : 0
                if quickFailures >= 5 {
                    let message = "model workers keep exiting (\(why))"
                    status.withLockedValue { $0.state = .failed; $0.message = message }
                    await queue.failAll(WorkerError.modelUnavailable(message))
                    return
                }
                // Back off a little when workers die young, so a crash loop costs little.
                if quickFailures > 0 { try? await Task.sleep(for: .milliseconds(200 << min(quickFailures, 5))) }
            }
        }
    }

    private enum WorkerOutcome {
        /// The model itself cannot be loaded; restarting will not help.
        case modelUnavailable(String)
        /// This worker ended (crash, timeout, recycling); start another.
        case ended(String)
    }

    private func runOneWorker() async -> WorkerOutcome {
        let workerID = listener.makeWorkerID()
        listener.expect(workerID)
        let process: WorkerProcess
        do {
            process = try WorkerProcess.launch(
                launch, modelURI: modelURI, workerID: workerID, socketPath: listener.socketPath, logger: logger
            ) { [listener] status, stderrTail in
                listener.processExited(workerID, with: WorkerError.workerExited(Self.explainExit(status: status, stderrTail: stderrTail)))
            }
        } catch {
            return .modelUnavailable("\(error)")
        }
        let loadTimeout = configuration.loadTimeoutSeconds
        let loadWatchdog = Task { [listener] in
            try await Task.sleep(for: .seconds(loadTimeout))
            listener.fail(workerID, with: WorkerError.timedOut(seconds: loadTimeout))
        }
        let connection: WorkerConnection
        do {
            connection = try await listener.connection(for: workerID)
            loadWatchdog.cancel()
        } catch {
            loadWatchdog.cancel()
            process.kill()
            if case WorkerError.modelUnavailable(let message) = error { return .modelUnavailable(message) }
            if case WorkerError.workerExited(let message) = error, currentStatus.readyWorkers == 0 {
                // Died before saying hello: an interpreter or environment problem, not bad luck.
                return .modelUnavailable(message)
            }
            return .ended("\(error)")
        }
        workerBecameReady(connection.hello, pid: process.pid)
        let why = await serve(connection: connection, process: process)
        status.withLockedValue { status in
            status.readyWorkers -= 1
            status.workerPIDs.removeAll { $0 == process.pid }
        }
        connection.close()
        process.terminate()
        return .ended(why)
    }

    private func workerBecameReady(_ hello: WorkerHeader, pid: Int32) {
        status.withLockedValue { status in
            status.readyWorkers += 1
            status.workerPIDs.append(pid)
            status.state = .ready
            if status.model == nil {
                status.model = LoadedModelDescription(
                    flavors: hello.flavors ?? [], info: hello.modelInfo, tensors: hello.oip ?? .empty
                )
            }
        }
        logger.info("model worker pid \(hello.pid ?? 0) ready")
    }

    /// Serves batches until the worker's connection ends; returns why it ended.
    private func serve(connection: WorkerConnection, process: WorkerProcess) async -> String {
        let limit = configuration.maxBatchSize
        let wait = configuration.maxBatchWaitMilliseconds
        var nextMemoryCheck = ContinuousClock.now
        // The size the previous batch reached: what steady concurrency will bring again.
        var expected = 1
        while var batch = await queue.nextBatch(limit: limit) {
            let target = min(expected, limit)
            if batch.count < target, wait > 0 {
                let deadline = ContinuousClock.now + .milliseconds(wait)
                repeat {
                    try? await Task.sleep(for: .microseconds(100))
                    batch += await queue.more(limit: target - batch.count, matching: batch[0].request.kind)
                } while batch.count < target && ContinuousClock.now < deadline
            }
            expected = batch.count
            observer?.batchDispatched(size: batch.count)
            if let ended = await send(batch, to: connection, process: process) { return ended }
            if ContinuousClock.now >= nextMemoryCheck {
                nextMemoryCheck = ContinuousClock.now + .seconds(2)
                let limitBytes = configuration.maxWorkerMemoryMegabytes << 20
                if limitBytes > 0, let resident = process.residentBytes(), resident > limitBytes {
                    _ = try? await connection.send(WorkerRequest(kind: .shutdown, items: []))
                    return "recycled: resident memory \(resident >> 20) MiB above \(configuration.maxWorkerMemoryMegabytes) MiB"
                }
            }
        }
        _ = try? await connection.send(WorkerRequest(kind: .shutdown, items: []))
        return "stopped"
    }

    /// Sends one batch; returns a reason when the worker is gone afterwards.
    private func send(_ batch: [PendingScore], to connection: WorkerConnection, process: WorkerProcess) async -> String? {
        let request = WorkerRequest(
            kind: batch[0].request.kind.workerKind,
            items: batch.map { WorkerRequest.Item(contentType: $0.request.kind.contentType, body: $0.request.body) }
        )
        let timedOut = NIOLockedValueBox(false)
        let timeout = configuration.requestTimeoutSeconds
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            timedOut.withLockedValue { $0 = true }
            connection.close()
            process.kill()
        }
        defer { watchdog.cancel() }
        do {
            let reply = try await connection.send(request)
            try deliver(reply, to: batch)
            return nil
        } catch {
            if timedOut.withLockedValue({ $0 }) {
                for item in batch { item.promise.fail(WorkerError.timedOut(seconds: timeout)) }
                return "timed out after \(timeout) s"
            }
            if let workerError = error as? WorkerError, workerError.isRetryable {
                var retried: [PendingScore] = []
                for var item in batch {
                    item.attempts += 1
                    if item.attempts < 2 { retried.append(item) } else { item.promise.fail(workerError) }
                }
                await queue.requeue(retried)
                return "\(workerError)"
            }
            for item in batch { item.promise.fail(error) }
            return connection.isActive ? nil : "\(error)"
        }
    }

    /// Completes each request's promise from its slice of the reply.
    private func deliver(_ reply: WorkerMessage, to batch: [PendingScore]) throws {
        guard reply.header.type == WorkerHeader.FrameType.result, let items = reply.header.items, items.count == batch.count else {
            throw WorkerError.protocolViolation("expected a result with \(batch.count) items, got '\(reply.header.type)'")
        }
        // Check every slice first: a promise must not be completed and then failed.
        guard items.allSatisfy({ $0.binaryLength >= 0 }),
              items.reduce(0, { $0 + $1.binaryLength }) <= reply.attachment.readableBytes
        else {
            throw WorkerError.protocolViolation("result items exceed the attachment")
        }
        var attachment = reply.attachment
        for (item, pending) in zip(items, batch) {
            pending.promise.succeed(ScoringResponse(
                status: item.status,
                contentType: item.contentType ?? "application/json",
                body: attachment.readSlice(length: item.binaryLength)!
            ))
        }
    }

    private static func explainExit(status: Int32, stderrTail: String) -> String {
        let tail = stderrTail.isEmpty ? "" : "; its last output:\n\(stderrTail)"
        return "the model worker exited with status \(status) before it was ready\(tail)"
    }
}
