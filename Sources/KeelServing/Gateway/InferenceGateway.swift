import KeelCore
public import NIOCore

/// What the HTTP layer needs from serving: answer a request for a named endpoint, describe it.
///
/// An endpoint is a deployment inside `keel server`, or the one model of `keel serve`. The
/// HTTP handlers only decode, call this, and encode; routing, logging and metrics live behind it.
public protocol InferenceGateway: Sendable {
    /// Answers one inference request. Throws ``KeelError`` (unknown endpoint, model unavailable,
    /// timeout), never a worker's internal error type.
    func infer(_ request: GatewayRequest) async throws -> GatewayResponse

    /// Describes an endpoint (and optionally one of its versions) for health and metadata.
    /// Throws ``KeelError/Code/resourceDoesNotExist`` when there is no such endpoint or version.
    func describe(endpoint: String, version: String?) async throws -> EndpointDescription

    /// Whether every endpoint can answer (OIP server readiness).
    func isReady() async -> Bool
}

/// An inference request addressed to an endpoint.
public struct GatewayRequest: Sendable {
    /// Which protocol the body speaks.
    public enum Kind: Sendable, Hashable {
        /// MLflow scoring, with the request's `Content-Type`.
        case invocations(contentType: String?)
        /// Open Inference Protocol v2 JSON.
        case infer
    }

    /// The deployment (or model) name.
    public var endpoint: String
    /// A specific version, when the OIP path named one.
    public var version: String?
    /// The protocol.
    public var kind: Kind
    /// The body, unchanged (OIP binary tensors already turned into JSON `data`).
    public var body: ByteBuffer
    /// Request headers the traffic policy may read (A/B stickiness), lower-cased names.
    public var headers: [String: String]
    /// Who asked, for the inference log (nil without `--auth`).
    public var caller: String?

    /// Creates a request.
    public init(endpoint: String, version: String?, kind: Kind, body: ByteBuffer, headers: [String: String] = [:], caller: String? = nil) {
        self.caller = caller
        self.endpoint = endpoint
        self.version = version
        self.kind = kind
        self.body = body
        self.headers = headers
    }
}

/// The answer to a ``GatewayRequest``.
public struct GatewayResponse: Sendable {
    /// Status, content type and body from the model.
    public var response: ScoringResponse
    /// The id under which the request is in the inference log (`X-Keel-Request-Id`).
    public var requestID: String
    /// The version that answered (`X-Keel-Model-Version`).
    public var modelVersion: String

    /// Creates a response.
    public init(response: ScoringResponse, requestID: String, modelVersion: String) {
        self.response = response
        self.requestID = requestID
        self.modelVersion = modelVersion
    }
}

/// What an endpoint serves, for OIP metadata and readiness.
public struct EndpointDescription: Sendable {
    /// The endpoint name.
    public var name: String
    /// Versions it can answer with.
    public var versions: [String]
    /// Whether it can answer now.
    public var ready: Bool
    /// MLflow flavors of the primary model (`python_function`, `sklearn`, …).
    public var flavors: [String]
    /// Input and output tensors, from the model signature.
    public var tensors: WorkerTensorSignature

    /// Creates a description.
    public init(name: String, versions: [String], ready: Bool, flavors: [String], tensors: WorkerTensorSignature) {
        self.name = name
        self.versions = versions
        self.ready = ready
        self.flavors = flavors
        self.tensors = tensors
    }
}

extension GatewayRequest {
    /// The runtime request for this gateway request, answered as `version`.
    func scoringRequest(answeringAs version: String?) -> ScoringRequest {
        switch kind {
        case .invocations(let contentType):
            ScoringRequest(kind: .invocations(contentType: contentType), body: body)
        case .infer:
            ScoringRequest(kind: .infer(modelName: endpoint, modelVersion: version), body: body)
        }
    }

    /// The protocol's name in logs and metrics.
    var protocolName: String {
        switch kind {
        case .invocations: "invocations"
        case .infer: "v2"
        }
    }
}

extension KeelError {
    /// The user-facing error for a runtime failure.
    static func serving(_ error: any Error) -> KeelError {
        switch error {
        case let error as KeelError:
            return error
        case let error as WorkerError:
            switch error {
            case .timedOut: return KeelError(.deadlineExceeded, error.description)
            case .modelUnavailable, .workerExited: return KeelError(.temporarilyUnavailable, error.description)
            case .rejected, .protocolViolation: return KeelError(.internalError, error.description)
            }
        case let error as ServingError:
            return KeelError(.temporarilyUnavailable, error.description)
        default:
            return KeelError(.internalError, "\(error)")
        }
    }
}
