import Foundation
public import KeelCore

/// One span from an OTLP `ExportTraceServiceRequest`, with the resource attributes of its batch.
public struct OTLPSpan: Sendable {
    public var traceID: [UInt8]
    public var spanID: [UInt8]
    public var parentSpanID: [UInt8]
    public var name: String
    public var kind: Int
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var attributes: [(String, AttributeValue)]
    public var events: [Event]
    /// `STATUS_CODE_UNSET`, `STATUS_CODE_OK` or `STATUS_CODE_ERROR`.
    public var statusCode: String
    public var statusMessage: String
    public var resource: [(String, AttributeValue)]

    public struct Event: Sendable {
        public var timeNanos: UInt64
        public var name: String
        public var attributes: [(String, AttributeValue)]
    }

    /// MLflow's trace id: `tr-` and the 32 hex digits of the OTel trace id.
    public var mlflowTraceID: String { "tr-" + Self.hex(traceID) }
    public var spanHex: String { Self.hex(spanID) }
    public var parentHex: String? { parentSpanID.isEmpty ? nil : Self.hex(parentSpanID) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The span as OTLP proto-JSON text, as MLflow's `GetTrace` answers it: base64 ids, typed
    /// attribute values, the status code by name, no parent on a root.
    public func protoJSONText() -> String {
        var out = JSONText()
        out.open("{")
        out.member("trace_id", Data(traceID).base64EncodedString())
        out.member("span_id", Data(spanID).base64EncodedString())
        if !parentSpanID.isEmpty { out.member("parent_span_id", Data(parentSpanID).base64EncodedString()) }
        out.member("name", name)
        out.integer("start_time_unix_nano", startNanos)
        out.integer("end_time_unix_nano", endNanos)
        // The request id is derived from the trace id; a client's own value is not trusted.
        let attributes = [("mlflow.traceRequestId", AttributeValue.string(mlflowTraceID))] + self.attributes.filter { $0.0 != "mlflow.traceRequestId" }
        out.key("attributes")
        AttributeValue.write(attributes, to: &out)
        out.key("events")
        out.open("[")
        for event in events {
            out.open("{")
            out.integer("time_unix_nano", event.timeNanos)
            out.member("name", event.name)
            out.key("attributes")
            AttributeValue.write(event.attributes, to: &out)
            out.close("}")
        }
        out.close("]")
        out.key("status")
        out.open("{")
        if statusCode != "STATUS_CODE_UNSET" { out.member("code", statusCode) }
        if !statusMessage.isEmpty { out.member("message", statusMessage) }
        out.close("}")
        out.close("}")
        return out.text
    }
}

/// Decodes `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` (protobuf).
public enum OTLPTraceRequest {
    /// Resource attributes that name the experiment when the export has no
    /// `x-mlflow-experiment-id` header (`OTEL_RESOURCE_ATTRIBUTES=mlflow.experimentId=3`).
    public static let experimentAttributes = ["mlflow.experimentId", "mlflow.experiment_id"]

    /// The experiment the spans' resources name; every resource must name the same one.
    public static func experiment(of spans: [OTLPSpan]) throws(KeelError) -> String {
        let named = Set(spans.map { span in
            span.resource.first { experimentAttributes.contains($0.0) }.map { $0.1.text } ?? ""
        })
        guard named.count == 1, let experiment = named.first, !experiment.isEmpty else {
            throw named.count > 1
                ? .invalidParameter("The export's resources name different experiments; send one experiment per export.")
                : .invalidParameter("Name the experiment in the x-mlflow-experiment-id header or the resource attribute mlflow.experimentId.")
        }
        return experiment
    }

    /// The spans in a request body; every span must carry a 16-byte trace id and an 8-byte span id.
    public static func decode(protobuf bytes: [UInt8]) throws -> [OTLPSpan] {
        var request = ProtobufReader(bytes)
        var spans: [OTLPSpan] = []
        var sawResource = false
        while let (field, value) = try request.next() {
            guard field == 1, let resourceSpans = value.reader else { continue }
            sawResource = true
            spans += try decodeResourceSpans(resourceSpans)
        }
        guard sawResource else { throw KeelError.invalidParameter("Invalid OpenTelemetry format: the request holds no resource_spans.") }
        return spans
    }

    private static func decodeResourceSpans(_ reader: ProtobufReader) throws -> [OTLPSpan] {
        var reader = reader
        var resource: [(String, AttributeValue)] = []
        var scopes: [ProtobufReader] = []
        while let (field, value) = try reader.next() {
            if field == 1, var inner = value.reader {
                while let (resourceField, attribute) = try inner.next() {
                    guard resourceField == 1 else { continue }
                    if let attribute = attribute.reader { resource.append(try AttributeValue.decodeKeyValue(attribute)) }
                }
            } else if field == 2, let scope = value.reader {
                scopes.append(scope)
            }
        }
        var spans: [OTLPSpan] = []
        for var scope in scopes {
            while let (field, value) = try scope.next() {
                guard field == 2, let span = value.reader else { continue }
                spans.append(try decodeSpan(span, resource: resource))
            }
        }
        return spans
    }

    private static func decodeSpan(_ reader: ProtobufReader, resource: [(String, AttributeValue)]) throws -> OTLPSpan {
        var reader = reader
        var span = OTLPSpan(
            traceID: [], spanID: [], parentSpanID: [], name: "", kind: 0, startNanos: 0, endNanos: 0, attributes: [], events: [],
            statusCode: "STATUS_CODE_UNSET", statusMessage: "", resource: resource
        )
        while let (field, value) = try reader.next() {
            switch field {
            case 1: span.traceID = value.reader?.data ?? []
            case 2: span.spanID = value.reader?.data ?? []
            case 4: span.parentSpanID = value.reader?.data ?? []
            case 5: span.name = value.reader?.string ?? ""
            case 6: span.kind = Int(value.varint ?? 0)
            case 7: span.startNanos = value.fixed64 ?? 0
            case 8: span.endNanos = value.fixed64 ?? 0
            case 9: if let attribute = value.reader { span.attributes.append(try AttributeValue.decodeKeyValue(attribute)) }
            case 11: if let event = value.reader { span.events.append(try decodeEvent(event)) }
            case 15:
                guard var status = value.reader else { continue }
                while let (statusField, statusValue) = try status.next() {
                    if statusField == 2 { span.statusMessage = statusValue.reader?.string ?? "" }
                    if statusField == 3 { span.statusCode = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"][Int(min(statusValue.varint ?? 0, 2))] }
                }
            default: continue
            }
        }
        guard span.traceID.count == 16, span.spanID.count == 8 else {
            throw KeelError.invalidParameter("Cannot convert OpenTelemetry span '\(span.name)' to an MLflow span: it needs a 16-byte trace_id and an 8-byte span_id.")
        }
        guard span.parentSpanID.isEmpty || span.parentSpanID.count == 8 else {
            throw KeelError.invalidParameter("Span '\(span.name)' has a parent_span_id that is not 8 bytes.")
        }
        return span
    }

    private static func decodeEvent(_ reader: ProtobufReader) throws -> OTLPSpan.Event {
        var reader = reader
        var event = OTLPSpan.Event(timeNanos: 0, name: "", attributes: [])
        while let (field, value) = try reader.next() {
            switch field {
            case 1: event.timeNanos = value.fixed64 ?? 0
            case 2: event.name = value.reader?.string ?? ""
            case 3: if let attribute = value.reader { event.attributes.append(try AttributeValue.decodeKeyValue(attribute)) }
            default: continue
            }
        }
        return event
    }
}
