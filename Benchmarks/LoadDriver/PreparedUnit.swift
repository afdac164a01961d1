/// A unit of the plan with its request heads and bodies split into ready-to-copy parts.
struct PreparedUnit {
    /// One request, ready to render.
    struct Request {
        /// `GET` or `POST`, for failure reports.
        var method: String
        /// For failure reports.
        var endpoint: String
        /// The request line and fixed headers, up to where `Content-Length`'s value goes (POST)
        /// or to the end of the head (GET).
        var head: [UInt8]
        /// The body, for a POST.
        var body: Template?
    }

    /// The requests, in order.
    var requests: [Request]
    /// For each capture: the request whose answer holds it, and the JSON key.
    var captures: [(request: Int, field: String)]

    /// Splits `plan`'s bodies and builds its heads for `endpoint`.
    init(_ plan: UnitPlan, endpoint: ServerEndpoint) throws {
        let captures = plan.captures ?? []
        let names = captures.map(\.name)
        self.captures = captures.map { ($0.request, $0.field) }
        requests = try plan.requests.map { request in
            var head = "\(request.method) \(endpoint.pathPrefix)\(request.path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\n"
            if request.body != nil {
                head += "Content-Type: application/json\r\nContent-Length: "
            } else {
                head += "\r\n"
            }
            return Request(method: request.method, endpoint: request.endpoint, head: Array(head.utf8),
                           body: try request.body.map { try Template($0, captureNames: names) })
        }
    }

    /// The whole request `index`, head then rendered body, in `message`.
    /// - Returns: where the body starts in `message` (its end, for a request without one).
    @discardableResult
    func render(_ index: Int, into message: inout [UInt8], body scratch: inout [UInt8],
                connection: Int, unit: Int, captured: [[UInt8]]) -> Int {
        let request = requests[index]
        message.removeAll(keepingCapacity: true)
        message.append(contentsOf: request.head)
        guard let body = request.body else { return message.count }
        scratch.removeAll(keepingCapacity: true)
        body.render(into: &scratch, connection: connection, unit: unit, nowMilliseconds: epochMilliseconds(), captures: captured)
        message.append(contentsOf: String(scratch.count).utf8)
        message.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
        let bodyStart = message.count
        message.append(contentsOf: scratch)
        return bodyStart
    }
}

/// Where requests go, from the plan's URL.
struct ServerEndpoint {
    /// Host name or address.
    var host: String
    /// TCP port.
    var port: Int
    /// The URL's path without its trailing slash; prefixed to every request path.
    var pathPrefix: String

    /// Parses `http://host[:port][/prefix]`.
    init(url: String) throws {
        guard url.hasPrefix("http://") else { throw PlanError(description: "url must start with http://, got \(url)") }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        pathPrefix = String(rest.dropFirst(authority.count))
        while pathPrefix.hasSuffix("/") { pathPrefix.removeLast() }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else {
                throw PlanError(description: "bad port in \(url)")
            }
            self.port = port
        } else {
            host = String(authority)
            port = 80
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw PlanError(description: "no host in \(url)") }
    }
}
