import Foundation
import KeelCore

extension TraceInfo {
    /// The info as MLflow's TraceInfoV3 proto-JSON, the shape every trace route answers with.
    /// Assessments are stored as proto-JSON and spliced in as they are.
    ///
    /// Rendered once when a trace is first read after a change and kept in `traces.info_json`,
    /// so a search answers a page of traces without loading their tags and metadata again.
    public var jsonText: String {
        var out = JSONText()
        out.open("{")
        out.member("trace_id", traceID)
        out.key("trace_location")
        out.raw("{\"type\":\"MLFLOW_EXPERIMENT\",\"mlflow_experiment\":{\"experiment_id\":\"\(experimentID)\"}}")
        out.member("request_time", Self.timestamp(requestTime))
        if let executionDuration { out.member("execution_duration", Self.duration(executionDuration)) }
        out.member("state", state)
        if let clientRequestID { out.member("client_request_id", clientRequestID) }
        if let requestPreview { out.member("request_preview", requestPreview) }
        if let responsePreview { out.member("response_preview", responsePreview) }
        out.key("trace_metadata")
        out.map(metadata)
        out.key("tags")
        out.map(tags)
        out.key("assessments")
        out.open("[")
        for assessment in assessments { out.raw(assessment) }
        out.close("]")
        out.close("}")
        return out.text
    }

    /// Epoch milliseconds as RFC 3339 UTC with milliseconds (`2026-11-24T00:13:47.120Z`).
    /// Written digit by digit: a search page formats a hundred of these.
    public static func timestamp(_ millis: Int64) -> String {
        let (days, inDay) = millis.floorDivided(by: 86_400_000)
        let (year, month, day) = CivilDate.date(daysSinceEpoch: days)
        var text = ""
        text.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            let string = String(value)
            if string.count < count { text += String(repeating: "0", count: count - string.count) }
            text += string
        }
        digits(year, 4); text += "-"; digits(month, 2); text += "-"; digits(day, 2); text += "T"
        digits(inDay / 3_600_000, 2); text += ":"; digits(inDay / 60_000 % 60, 2); text += ":"
        digits(inDay / 1000 % 60, 2); text += "."; digits(inDay % 1000, 3); text += "Z"
        return text
    }

    /// Milliseconds as a protobuf JSON Duration: `"0.212s"`, `"3s"`.
    public static func duration(_ millis: Int64) -> String {
        millis % 1000 == 0 ? "\(millis / 1000)s" : String(format: "%lld.%03llds", millis / 1000, millis % 1000)
    }

    /// Parses RFC 3339 (`2026-11-24T00:13:47.120Z`, `…+01:00`, any fraction length, truncated
    /// to milliseconds) without a date formatter; nil for anything else.
    public static func millis(rfc3339 text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + width)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("Tt "),
              let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if digits < 3 { fraction = fraction * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { fraction *= 10 }
        }
        var offset: Int64 = 0
        if expect("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 60 + minutes) * 60_000
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fraction - offset
    }
}

extension Int64 {
    /// Quotient and remainder rounded toward negative infinity (the remainder is never negative).
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
