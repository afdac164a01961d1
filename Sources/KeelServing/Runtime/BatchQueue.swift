import NIOCore

/// A request waiting for a worker, with the promise its answer completes.
struct PendingScore: Sendable {
    var request: ScoringRequest
    var promise: EventLoopPromise<ScoringResponse>
    /// How many workers already died while holding this request.
    var attempts = 0
}

/// The requests of one runtime waiting for a free worker.
///
/// Batching is adaptive: a worker that becomes free takes everything queued (same protocol,
/// up to the batch limit) in one frame, so batches grow exactly when requests arrive faster
/// than the workers answer, and a lone request never waits for company unless the runtime
/// is configured with a maximum wait.
actor BatchQueue {
    private var items = CircularBuffer<PendingScore>()
    private var idleWorkers = CircularBuffer<CheckedContinuation<Void, Never>>()
    private var closed = false
    private let capacity: Int

    /// Creates a queue that refuses requests beyond `capacity` waiting ones.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds a request; throws when the queue is full or closed.
    func enqueue(_ item: PendingScore) throws {
        guard !closed else { throw WorkerError.modelUnavailable("the model is being stopped") }
        guard items.count < capacity else { throw ServingError.overloaded(queued: items.count) }
        items.append(item)
        idleWorkers.popFirst()?.resume()
    }

    /// Puts requests back at the front (their worker died); they keep their order.
    func requeue(_ retried: [PendingScore]) {
        for item in retried.reversed() { items.prepend(item) }
        for _ in retried { idleWorkers.popFirst()?.resume() }
    }

    /// Waits for work; returns up to `limit` requests of one protocol, or nil once closed and empty.
    func nextBatch(limit: Int) async -> [PendingScore]? {
        while items.isEmpty {
            if closed { return nil }
            await withCheckedContinuation { idleWorkers.append($0) }
        }
        return take(limit: limit, matching: items.first!.request.kind)
    }

    /// Takes what is queued now, up to `limit`, for the same protocol as a batch already taken.
    func more(limit: Int, matching kind: ScoringProtocol) -> [PendingScore] {
        take(limit: limit, matching: kind)
    }

    /// Refuses new requests; workers drain what is queued, then ``nextBatch(limit:)`` returns nil.
    func close() {
        closed = true
        while let worker = idleWorkers.popFirst() { worker.resume() }
    }

    /// Fails everything queued (the runtime cannot serve any more) and closes.
    func failAll(_ error: any Error) {
        closed = true
        while let item = items.popFirst() { item.promise.fail(error) }
        while let worker = idleWorkers.popFirst() { worker.resume() }
    }

    /// How many requests are waiting.
    var count: Int { items.count }

    private func take(limit: Int, matching kind: ScoringProtocol) -> [PendingScore] {
        var batch: [PendingScore] = []
        batch.reserveCapacity(min(limit, items.count))
        var skipped: [PendingScore] = []
        // Look a bounded distance past requests of another protocol, so one slow kind
        // cannot make a batch scan the whole queue.
        var budget = limit * 4
        while batch.count < limit, budget > 0, let item = items.popFirst() {
            budget -= 1
            if item.request.kind == kind { batch.append(item) } else { skipped.append(item) }
        }
        for item in skipped.reversed() { items.prepend(item) }
        return batch
    }
}
