#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a ``LoadPlan``: every connection on one thread, waiting on all of them with `poll`.
///
/// One thread, like the Python driver it stands in for, but without an interpreter between
/// the answers: on a 2-core machine the client shares the cores with the server it measures,
/// and what the client spends per request is taken from the server. The workload is the
/// plan's, byte for byte; only the cost of sending it changes.
struct LoadDriver {
    private let plan: LoadPlan
    private let endpoint: ServerEndpoint
    private let units: [PreparedUnit]
    private var connections: [WriterConnection]
    private var failures: [Failure] = []
    private var failedUnits = 0
    private var deadline: Double?
    private var scratch: [UInt8] = Array(repeating: 0, count: 1 << 18)
    private var bodyScratch: [UInt8] = []

    /// Prepares `plan`'s templates; nothing is connected yet.
    init(_ plan: LoadPlan) throws {
        self.plan = plan
        endpoint = try ServerEndpoint(url: plan.url)
        units = try plan.units.map { [endpoint] in try PreparedUnit($0, endpoint: endpoint) }
        connections = (0..<plan.connections).map(WriterConnection.init(index:))
    }

    /// Drives every connection until its writer is done; the totals and failures.
    mutating func run() throws -> DriveResult {
        signal(SIGPIPE, SIG_IGN)  // a server that closes mid-request is a failure to report, not a crash
        let cpuStart = processCPUSeconds()
        let start = monotonicSeconds()
        deadline = plan.seconds.map { start + $0 }
        var unopened = 0
        var nextOpen = start
        var pollSet: [pollfd] = []
        var owners: [Int] = []
        while unopened < connections.count || connections.contains(where: { $0.descriptor >= 0 }) {
            if unopened < connections.count, monotonicSeconds() >= nextOpen {
                connections[unopened].descriptor = try Socket.connect(host: endpoint.host, port: endpoint.port)
                startUnit(unopened)
                unopened += 1
                nextOpen += plan.connectStaggerSeconds
            }
            pollSet.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            for (index, connection) in connections.enumerated() where connection.descriptor >= 0 {
                let events = connection.isSending ? POLLOUT : POLLIN
                pollSet.append(pollfd(fd: connection.descriptor, events: Int16(events), revents: 0))
                owners.append(index)
            }
            if pollSet.isEmpty { continue }  // every opened writer is done; the rest open on time
            let timeout = unopened < connections.count ? Int32(max(0, (nextOpen - monotonicSeconds()) * 1000).rounded(.up)) : -1
            let ready = poll(&pollSet, nfds_t(pollSet.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw SocketError("poll")
            }
            for (slot, entry) in pollSet.enumerated() where entry.revents != 0 {
                service(owners[slot])
            }
        }
        return DriveResult(
            seconds: monotonicSeconds() - start,
            units: connections.reduce(0) { $0 + $1.unitsStarted },
            failedUnits: failedUnits,
            requests: connections.reduce(0) { $0 + $1.answered },
            clientCPUSeconds: processCPUSeconds() - cpuStart,
            failures: failures
        )
    }

    /// Sends what the socket takes, or reads and handles a whole answer.
    private mutating func service(_ index: Int) {
        if connections[index].isSending {
            flush(index)
            return
        }
        switch Socket.receive(connections[index].descriptor, into: &connections[index].inbox, scratch: &scratch) {
        case .wouldBlock: return
        case .closed: return connectionLost(index)
        case .bytes: break
        }
        let response: HTTPResponse
        do {
            guard let parsed = try HTTPResponseParser.parse(connections[index].inbox[...]) else { return }
            response = parsed
        } catch {
            return fail(index, status: nil, response: "unreadable answer: \(error)", reconnect: true)
        }
        connections[index].inbox.removeFirst(response.consumed)
        connections[index].answered += 1
        guard response.status == 200 else {
            return fail(index, status: response.status, response: String(decoding: response.body, as: UTF8.self))
        }
        let unit = units[connections[index].unit]
        let request = connections[index].request
        for capture in unit.captures where capture.request == request {
            guard let value = JSONField.firstString(named: capture.field, in: response.body) else {
                return fail(index, status: 200, response: "no string \(capture.field) in the answer: "
                                + String(decoding: response.body.prefix(400), as: UTF8.self))
            }
            connections[index].captured.append(value)
        }
        connections[index].request += 1
        if connections[index].request == unit.requests.count {
            startUnit(index)
        } else {
            send(index)
        }
    }

    /// Begins the writer's next unit, or closes its connection when it is done.
    private mutating func startUnit(_ index: Int) {
        let finished = (deadline.map { monotonicSeconds() >= $0 } ?? false)
            || plan.unitsPerConnection.map { connections[index].unitsStarted >= $0 } ?? false
            || failures.count >= plan.maxFailures
        if finished {
            close(connections[index].descriptor)
            connections[index].descriptor = -1
            return
        }
        connections[index].unit = (index + connections[index].unitsStarted) % units.count
        connections[index].unitsStarted += 1
        connections[index].request = 0
        connections[index].captured.removeAll(keepingCapacity: true)
        send(index)
    }

    /// Renders the writer's current request and sends it.
    private mutating func send(_ index: Int) {
        let connection = connections[index]
        connections[index].bodyStart = units[connection.unit].render(
            connection.request, into: &connections[index].outbox, body: &bodyScratch,
            connection: index, unit: connection.unitsStarted - 1, captured: connection.captured)
        connections[index].sent = 0
        flush(index)
    }

    /// Sends what the socket takes now; the rest goes when `poll` says it can.
    private mutating func flush(_ index: Int) {
        while connections[index].isSending {
            switch Socket.send(connections[index].descriptor, connections[index].outbox, from: connections[index].sent) {
            case .bytes(let count): connections[index].sent += count
            case .wouldBlock: return
            case .closed:
                // Reading will see the closed connection and report it.
                connections[index].sent = connections[index].outbox.count
                return
            }
        }
    }

    /// The server closed the connection: the request fails, the writer reconnects and goes on.
    private mutating func connectionLost(_ index: Int) {
        fail(index, status: nil, response: "connection closed by server", reconnect: true)
    }

    /// Records the failed request, abandons the unit and starts the next.
    private mutating func fail(_ index: Int, status: Int?, response: String, reconnect: Bool = false) {
        let connection = connections[index]
        let request = units[connection.unit].requests[connection.request]
        if failures.count < plan.maxFailures {
            failures.append(Failure(method: request.method, endpoint: request.endpoint, status: status,
                                    response: response, payload: connection.payload))
        }
        failedUnits += 1
        if reconnect {
            close(connections[index].descriptor)
            connections[index].inbox.removeAll(keepingCapacity: true)
            do {
                connections[index].descriptor = try Socket.connect(host: endpoint.host, port: endpoint.port)
            } catch {
                connections[index].descriptor = -1  // the server is gone: this writer stops
                return
            }
        }
        startUnit(index)
    }
}
