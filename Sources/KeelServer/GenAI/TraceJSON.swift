import Foundation
import KeelCore
import KeelGenAI

/// MLflow's protobuf-JSON shapes for traces: TraceInfoV3 with an RFC 3339 `request_time` and a
/// `"0.212s"` `execution_duration`, and `{"trace_info", "spans"}` traces.
enum TraceJSON {
    /// `{"trace_info": ...}`: a trace without its spans, as StartTraceV3 and the info route answer.
    static func trace(info: String, to json: inout JSONWriter) {
        json.object { json in
            json.key("trace_info")
            json.raw(info)
        }
    }

    static func parseTimestamp(_ text: String) throws -> Int64 {
        if let millis = TraceInfo.millis(rfc3339: text) { return millis }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        // Fractions finer than milliseconds (protobuf allows nanoseconds): drop the extra digits.
        if let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            let fraction = text[text.index(after: dot)..<zone].prefix(3)
            return try parseTimestamp(String(text[..<dot]) + "." + fraction + text[zone...])
        }
        throw KeelError.invalidParameter("request_time must be an RFC 3339 timestamp, got '\(text)'.")
    }

    static func parseDuration(_ text: String) throws -> Int64 {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds >= 0, seconds.isFinite else {
            throw KeelError.invalidParameter("execution_duration must be a duration such as '0.212s', got '\(text)'.")
        }
        return Int64((seconds * 1000).rounded())
    }

    /// A TraceInfoV3 object from a StartTraceV3 body.
    static func parseInfo(_ object: [String: Any]) throws -> TraceInfo {
        guard let traceID = object["trace_id"] as? String else { throw KeelError.invalidParameter("trace_info.trace_id is required.") }
        let location = object["trace_location"] as? [String: Any]
        let experiment = (location?["mlflow_experiment"] as? [String: Any])?["experiment_id"]
        guard let experimentID = (experiment as? String).flatMap(Int64.init) ?? (experiment as? NSNumber)?.int64Value else {
            throw KeelError.invalidParameter("trace_info.trace_location.mlflow_experiment.experiment_id is required.")
        }
        func strings(_ key: String) -> [String: String] {
            (object[key] as? [String: Any] ?? [:]).compactMapValues { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
        }
        let state = object["state"] as? String ?? "STATE_UNSPECIFIED"
        guard ["OK", "ERROR", "IN_PROGRESS", "STATE_UNSPECIFIED"].contains(state) else {
            throw KeelError.invalidParameter("state must be OK, ERROR, IN_PROGRESS or STATE_UNSPECIFIED, got '\(state)'.")
        }
        return TraceInfo(
            traceID: traceID, experimentID: experimentID,
            requestTime: try (object["request_time"] as? String).map(parseTimestamp) ?? Timestamp.nowMillis(),
            executionDuration: try (object["execution_duration"] as? String).map(parseDuration),
            state: state, clientRequestID: object["client_request_id"] as? String,
            requestPreview: object["request_preview"] as? String, responsePreview: object["response_preview"] as? String,
            tags: strings("tags"), metadata: strings("trace_metadata")
        )
    }
}
