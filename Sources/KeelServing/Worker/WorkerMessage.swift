import Foundation
import NIOCore

/// One frame received from a worker: its JSON header, decoded, and its binary attachment.
///
/// See `python/keel_worker/PROTOCOL.md` §2 for the framing and §4–5 for the messages.
struct WorkerMessage: Sendable {
    /// The decoded JSON header.
    var header: WorkerHeader
    /// The raw bytes that followed the header (`binary_length` of them).
    var attachment: ByteBuffer
}

/// The JSON header of any worker → gateway frame. Fields not used by a type are `nil`.
struct WorkerHeader: Decodable, Sendable {
    var type: String
    var id: UInt64?
    var binaryLength: Int?
    var items: [WorkerResultItem]?
    // hello / fatal
    var `protocol`: Int?
    var workerID: Int?
    var pid: Int32?
    var flavors: [String]?
    var modelInfo: WorkerModelInfo?
    var oip: WorkerTensorSignature?
    var versions: [String: String]?
    var kind: String?
    // error / fatal
    var code: String?
    var message: String?

    enum CodingKeys: String, CodingKey {
        case type, id, items, pid, flavors, oip, versions, kind, code, message
        case binaryLength = "binary_length"
        case `protocol`
        case workerID = "worker_id"
        case modelInfo = "model_info"
    }
}

/// One answer inside a `result` frame: an HTTP status, content type and a slice of the attachment.
struct WorkerResultItem: Decodable, Sendable {
    var status: Int
    var contentType: String?
    var binaryLength: Int

    enum CodingKeys: String, CodingKey {
        case status
        case contentType = "content_type"
        case binaryLength = "binary_length"
    }
}

/// What the worker reports about the model it loaded (`hello.model_info`).
public struct WorkerModelInfo: Decodable, Sendable, Hashable {
    /// The run that logged the model, if known.
    public var runID: String?
    /// The MLflow 3 logged-model id, if any.
    public var modelID: String?
    /// The MLflow version that saved the model.
    public var mlflowVersion: String?
    /// The pyfunc loader module, e.g. `mlflow.sklearn`.
    public var loaderModule: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case modelID = "model_id"
        case mlflowVersion = "mlflow_version"
        case loaderModule = "loader_module"
    }
}

/// Open Inference Protocol metadata tensors derived from the model signature (`hello.oip`).
public struct WorkerTensorSignature: Codable, Sendable, Hashable {
    /// The model's inputs.
    public var inputs: [TensorMetadata]
    /// The model's outputs.
    public var outputs: [TensorMetadata]

    /// No inputs or outputs known (a model without a signature).
    public static let empty = WorkerTensorSignature(inputs: [], outputs: [])
}

/// One OIP metadata tensor: a name, a datatype and a shape where -1 is a variable dimension.
public struct TensorMetadata: Codable, Sendable, Hashable {
    /// The tensor's name.
    public var name: String
    /// The OIP datatype (`FP64`, `INT64`, `BYTES`, …).
    public var datatype: String
    /// The shape; -1 marks a variable dimension.
    public var shape: [Int64]
}

extension WorkerHeader {
    /// The frame types of protocol version 1.
    enum FrameType {
        static let hello = "hello"
        static let fatal = "fatal"
        static let result = "result"
        static let error = "error"
        static let pong = "pong"
        static let bye = "bye"
    }

    /// The worker protocol major version this gateway speaks.
    static let supportedProtocol = 1
}
