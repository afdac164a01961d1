import Foundation

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
        let (year, month, day) = civilDate(daysSinceEpoch: days)
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

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, UTC).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Quotient and remainder rounded toward negative infinity (the remainder is never negative).
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
