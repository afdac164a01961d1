/// What the driver prints: the same totals the Python driver returns, plus the failures.
struct DriveResult: Encodable {
    /// Wall time from opening the first connection to the last answer.
    var seconds: Double
    /// Units started (each counted once, whether it completed or failed).
    var units: Int
    /// Units stopped by a failed request.
    var failedUnits: Int
    /// Requests answered, whatever the status.
    var requests: Int
    /// This process's user + system CPU over the same span.
    var clientCPUSeconds: Double
    /// Every failed request, up to the plan's `max_failures`.
    var failures: [Failure]

    enum CodingKeys: String, CodingKey {
        case seconds, units, requests, failures
        case failedUnits = "failed_units"
        case clientCPUSeconds = "client_cpu_seconds"
    }
}

/// One failed request, in the shape of the harness's `RequestFailed.as_dict()`.
struct Failure: Encodable, Equatable {
    /// `GET` or `POST`.
    var method: String
    /// The request's short name.
    var endpoint: String
    /// The status, or `nil` when the connection closed before an answer.
    var status: Int?
    /// The answer's body, at most 500 characters.
    var response: String
    /// The request body, at most 600 characters and then how long it was.
    var payloadExcerpt: String

    enum CodingKeys: String, CodingKey {
        case method, endpoint, status, response
        case payloadExcerpt = "payload_excerpt"
    }

    init(method: String, endpoint: String, status: Int?, response: String, payload: [UInt8]) {
        self.method = method
        self.endpoint = endpoint
        self.status = status
        self.response = String(response.prefix(500))
        let text = String(decoding: payload, as: UTF8.self)
        payloadExcerpt = text.count <= 600 ? text : "\(text.prefix(600))... (\(text.count) chars)"
    }

    /// Encoded explicitly so that a missing status is `null`, as the harness expects.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
        try container.encode(endpoint, forKey: .endpoint)
        try container.encode(status, forKey: .status)
        try container.encode(response, forKey: .response)
        try container.encode(payloadExcerpt, forKey: .payloadExcerpt)
    }
}
