public import NIOCore

/// One inference request as it reaches a model runtime: a protocol and an HTTP body.
public struct ScoringRequest: Sendable {
    /// The protocol of ``body``.
    public var kind: ScoringProtocol
    /// The HTTP body (for OIP: JSON with tensor `data`, binary tensors already decoded).
    public var body: ByteBuffer

    /// Creates a request.
    public init(kind: ScoringProtocol, body: ByteBuffer) {
        self.kind = kind
        self.body = body
    }
}

/// The serving protocol a request body is written in.
public enum ScoringProtocol: Sendable, Hashable {
    /// MLflow's scoring protocol (`/invocations`), with the request's `Content-Type`, if any.
    case invocations(contentType: String?)
    /// Open Inference Protocol v2 JSON, answered as model `modelName`, version `modelVersion`.
    case infer(modelName: String, modelVersion: String?)
}

/// A runtime's answer: the HTTP status, content type and body to send back unchanged.
public struct ScoringResponse: Sendable {
    /// The HTTP status (200, or the protocol's own error status).
    public var status: Int
    /// The `Content-Type` of ``body``.
    public var contentType: String
    /// The body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(status: Int, contentType: String, body: ByteBuffer) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

extension ScoringProtocol {
    /// The worker frame kind that carries requests of this protocol.
    var workerKind: WorkerRequest.Kind {
        switch self {
        case .invocations: .invocations
        case .infer(let name, let version): .infer(modelName: name, modelVersion: version)
        }
    }

    var contentType: String? {
        if case .invocations(let contentType) = self { return contentType }
        return nil
    }
}
