import NIOCore

/// A request frame for a worker, encoded once and written as one buffer.
///
/// PROTOCOL.md §5: `invocations` and `infer` carry a batch of HTTP bodies back-to-back in the
/// attachment; `ping` and `shutdown` carry none.
struct WorkerRequest: Sendable {
    /// What the worker is asked to do.
    enum Kind: Sendable, Hashable {
        /// MLflow scoring bodies, each with its HTTP `Content-Type`.
        case invocations
        /// Open Inference Protocol JSON bodies for a model name and version.
        case infer(modelName: String, modelVersion: String?)
        /// A liveness check.
        case ping
        /// Finish what was sent, answer `bye`, exit.
        case shutdown
    }

    /// One body inside a batch.
    struct Item: Sendable {
        /// The HTTP `Content-Type` the body came with, if any (only for `invocations`).
        var contentType: String?
        /// The HTTP body, unchanged.
        var body: ByteBuffer
    }

    var kind: Kind
    var items: [Item]

    /// The frame's bytes: `u32 BE length`, JSON header, attachment.
    func encode(id: UInt64, allocator: ByteBufferAllocator) -> ByteBuffer {
        var header = "{\"type\":\"\(typeName)\",\"id\":\(id)"
        if case .infer(let name, let version) = kind {
            header += ",\"model_name\":" + JSONStringLiteral.quote(name)
            if let version { header += ",\"model_version\":" + JSONStringLiteral.quote(version) }
        }
        if !items.isEmpty {
            let total = items.reduce(0) { $0 + $1.body.readableBytes }
            header += ",\"binary_length\":\(total),\"items\":["
            for (index, item) in items.enumerated() {
                if index > 0 { header += "," }
                header += "{\"binary_length\":\(item.body.readableBytes)"
                if case .invocations = kind {
                    header += ",\"content_type\":" + (item.contentType.map(JSONStringLiteral.quote) ?? "null")
                }
                header += "}"
            }
            header += "]"
        }
        header += "}"
        let headerBytes = header.utf8.count
        var buffer = allocator.buffer(capacity: 4 + headerBytes + items.reduce(0) { $0 + $1.body.readableBytes })
        buffer.writeInteger(UInt32(headerBytes))
        buffer.writeString(header)
        for item in items {
            var body = item.body
            buffer.writeBuffer(&body)
        }
        return buffer
    }

    private var typeName: String {
        switch kind {
        case .invocations: "invocations"
        case .infer: "infer"
        case .ping: "ping"
        case .shutdown: "shutdown"
        }
    }
}

/// Writes a Swift string as a JSON string literal.
enum JSONStringLiteral {
    /// `value` quoted and escaped per RFC 8259.
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
