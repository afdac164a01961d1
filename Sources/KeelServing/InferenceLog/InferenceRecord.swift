import NIOCore

/// One row of the inference log: who asked what, which version answered what, how fast.
public struct InferenceRecord: Sendable, Hashable {
    /// The id returned to the caller in `X-Keel-Request-Id`.
    public var requestID: String
    /// `primary`, `candidate`, `variant` (these answered the caller) or `shadow`.
    public var role: String
    /// The deployment.
    public var deployment: String
    /// The version that produced ``responseBody``.
    public var modelVersion: String
    /// `invocations` or `v2`.
    public var protocolName: String
    /// The HTTP status of the answer.
    public var status: Int
    /// Time to the model's answer, microseconds.
    public var latencyMicroseconds: Int64
    /// When the request arrived, epoch milliseconds.
    public var timestampMilliseconds: Int64
    /// The request body as text (binary bodies as `base64:` + Base64).
    public var requestBody: String?
    /// The response body, the same way.
    public var responseBody: String?
    /// Who asked: the signed-in user under `--auth`, else nil.
    public var caller: String?

    /// Creates a record.
    public init(
        requestID: String, role: String, deployment: String, modelVersion: String, protocolName: String, status: Int,
        latencyMicroseconds: Int64, timestampMilliseconds: Int64, requestBody: String?, responseBody: String?, caller: String? = nil
    ) {
        self.caller = caller
        self.requestID = requestID
        self.role = role
        self.deployment = deployment
        self.modelVersion = modelVersion
        self.protocolName = protocolName
        self.status = status
        self.latencyMicroseconds = latencyMicroseconds
        self.timestampMilliseconds = timestampMilliseconds
        self.requestBody = requestBody
        self.responseBody = responseBody
    }

    /// Bodies above this are stored truncated, so one huge request cannot swell the log.
    static let maxStoredBodyBytes = 1 << 20

    /// A body as stored: UTF-8 text as is, anything else Base64 with a `base64:` prefix.
    static func storedText(_ body: ByteBuffer) -> String {
        let view = body.readableBytesView.prefix(maxStoredBodyBytes)
        if let text = String(validating: view, as: UTF8.self) { return text }
        return "base64:" + Base64.encode(Array(view))
    }
}

/// Minimal Base64 so the log needs no Foundation on the request path.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
