/// What MLflow calls a trace's info (TraceInfoV3): where it belongs, when it ran, how it ended,
/// and its tags and metadata. Spans are stored and read separately.
public struct TraceInfo: Sendable, Equatable {
    /// `tr-` and 32 hex digits: the OpenTelemetry trace id.
    public var traceID: String
    public var experimentID: Int64
    /// When the root span started, epoch milliseconds.
    public var requestTime: Int64
    /// How long the root span ran, milliseconds (nil while unknown).
    public var executionDuration: Int64?
    /// `OK`, `ERROR`, `IN_PROGRESS` or `STATE_UNSPECIFIED`.
    public var state: String
    public var clientRequestID: String?
    public var requestPreview: String?
    public var responsePreview: String?
    public var tags: [String: String]
    public var metadata: [String: String]
    /// The trace's assessments as MLflow proto-JSON objects (text), oldest first.
    public var assessments: [String] = []

    public init(
        traceID: String, experimentID: Int64, requestTime: Int64, executionDuration: Int64?, state: String,
        clientRequestID: String? = nil, requestPreview: String? = nil, responsePreview: String? = nil,
        tags: [String: String] = [:], metadata: [String: String] = [:]
    ) {
        self.traceID = traceID
        self.experimentID = experimentID
        self.requestTime = requestTime
        self.executionDuration = executionDuration
        self.state = state
        self.clientRequestID = clientRequestID
        self.requestPreview = requestPreview
        self.responsePreview = responsePreview
        self.tags = tags
        self.metadata = metadata
    }

    /// Tags Keel sets: where the spans are (so the client reads them back through the API and
    /// does not upload `traces.json`), and where the trace's artifacts go.
    public static let spansLocationTag = "mlflow.trace.spansLocation"
    public static let artifactLocationTag = "mlflow.artifactLocation"
    public static let traceNameTag = "mlflow.traceName"
    public static let finalizedMetadata = "mlflow.trace.infoFinalized"

    /// Valid trace ids: `tr-` and 32 lowercase hex digits.
    public static func isValidID(_ id: String) -> Bool {
        id.count == 35 && id.hasPrefix("tr-") && id.dropFirst(3).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// Where a page of a trace's spans ended: the last span's start time and id.
public struct SpanCursor: Sendable, Hashable {
    /// The last span's start, nanoseconds (as stored, a bit pattern of the unsigned value).
    public var startNanos: Int64
    /// The last span's id, 16 hex digits.
    public var spanID: String
}
