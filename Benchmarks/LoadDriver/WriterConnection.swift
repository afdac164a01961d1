/// One writer: its connection, the unit it is in, and the bytes in flight.
struct WriterConnection {
    /// The writer's index, `{{connection}}`.
    let index: Int
    /// The socket, or -1 once the writer is done.
    var descriptor: Int32 = -1
    /// Units started so far; the current one's number is `{{unit}}`.
    var unitsStarted = 0
    /// The plan unit being run.
    var unit = 0
    /// The request of the unit awaiting its answer.
    var request = 0
    /// Values captured from this unit's answers so far.
    var captured: [[UInt8]] = []
    /// Received bytes not yet parsed into a response.
    var inbox: [UInt8] = []
    /// The request being sent, and how much of it is out.
    var outbox: [UInt8] = []
    var sent = 0
    /// Where the current request's body starts in `outbox`, for failure reports.
    var bodyStart = 0
    /// Answers received.
    var answered = 0

    init(index: Int) {
        self.index = index
        inbox.reserveCapacity(1 << 16)
        outbox.reserveCapacity(1 << 16)
    }

    /// Whether part of the current request is still to be sent.
    var isSending: Bool { sent < outbox.count }

    /// The current request's body, for a failure report.
    var payload: [UInt8] { Array(outbox[bodyStart...]) }
}
