import Foundation
import KeelMonitoring

/// How monitoring results look as JSON (docs/monitoring.md).
enum MonitoringJSON {
    static func settings(_ settings: MonitorSettings) -> [String: Any] {
        let data = (try? JSONEncoder().encode(settings)) ?? Data("{}".utf8)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    static func reference(_ info: MonitoringService.ReferenceInfo) -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let profile = (try? encoder.encode(info.profile)).flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any] ?? [:]
        return [
            "deployment": info.deployment, "source": info.source, "format": info.format, "created_at": info.createdAt,
            "rows": info.profile.rows, "columns": profile["columns"] ?? [],
        ]
    }

    static func window(_ summary: WindowSummary) -> [String: Any] {
        var object: [String: Any] = [
            "requests": summary.requests, "rows": summary.rows, "errors": summary.errors, "truncated": summary.truncated,
        ]
        if let start = summary.start { object["start"] = start }
        if let end = summary.end { object["end"] = end }
        return object
    }

    static func drift(_ result: WindowDrift) -> [String: Any] {
        var object: [String: Any] = result.drift.jsonObject
        object["window"] = window(result.window)
        object["skipped_columns"] = result.skipped.map { ["column": $0.column, "reason": $0.reason] }
        if !result.histograms.isEmpty, var columns = object["columns"] as? [[String: Any]] {
            for index in columns.indices {
                guard let name = columns[index]["column"] as? String, let histogram = result.histograms[name] else { continue }
                columns[index]["histogram"] = histogram.bars.map { ["label": $0.label, "reference": $0.reference, "current": $0.current] }
            }
            object["columns"] = columns
        }
        return object
    }

    static func slice(_ slice: PerformanceSlice) -> [String: Any] {
        var object: [String: Any] = [
            "version": slice.version, "role": slice.role, "predictions": slice.predictions, "labelled": slice.labelled,
            "metrics": finite(slice.metrics), "estimated": finite(slice.estimated),
        ]
        if let start = slice.start { object["start"] = start }
        if let end = slice.end { object["end"] = end }
        return object
    }

    static func performance(_ report: PerformanceReport) -> [String: Any] {
        var object: [String: Any] = [
            "task": report.task.rawValue, "calibrated": report.calibrated, "window": window(report.window),
            "overall": slice(report.overall), "versions": report.versions.map(slice), "buckets": report.buckets.map(slice),
        ]
        if let positive = report.positiveLabel { object["positive_label"] = positive }
        return object
    }

    static func rule(_ rule: AlertRule) -> [String: Any] {
        var object: [String: Any] = [
            "rule_id": rule.id, "deployment": rule.deployment, "when": rule.condition.description, "metric": rule.condition.metric.description,
            "window": rule.window, "every_ms": rule.everyMilliseconds, "every": durationText(rule.everyMilliseconds), "state": rule.state.rawValue, "created_at": rule.createdAt,
        ]
        if let webhook = rule.webhook { object["webhook"] = webhook }
        if let value = rule.lastValue, value.isFinite { object["last_value"] = value }
        if let time = rule.lastEvaluatedAt { object["last_evaluated_at"] = time }
        return object
    }

    static func event(_ event: AlertEvent) -> [String: Any] {
        var object: [String: Any] = [
            "alert_id": event.id, "rule_id": event.ruleID, "deployment": event.deployment, "state": event.state, "when": event.condition,
            "metric": event.metric, "value": event.value.isFinite ? event.value : String(event.value), "window": event.window,
            "delivery": event.delivery, "attempts": event.attempts, "fired_at": event.createdAt,
        ]
        if let webhook = event.webhook { object["webhook"] = webhook }
        return object
    }

    /// Milliseconds in the largest whole unit: 60000 → `1m`, 1500 → `1500ms`.
    static func durationText(_ milliseconds: Int64) -> String {
        for (unit, size) in [("w", Int64(604_800_000)), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where milliseconds % size == 0 {
            return "\(milliseconds / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// JSON has no NaN or infinity; a metric that is not finite is left out.
    static func finite(_ values: [String: Double]) -> [String: Double] {
        values.filter { $0.value.isFinite }
    }
}
