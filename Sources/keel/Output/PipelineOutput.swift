import Foundation
import KeelClient
import KeelPipelines

/// How `keel pipelines` shows pipelines, runs and a run's events.
enum PipelineOutput {
    static func triggers(_ pipeline: [String: Any]) -> String {
        let settings = pipeline["settings"] as? [String: Any] ?? [:]
        var parts: [String] = []
        if let schedule = settings["schedule"] as? String { parts.append("schedule '\(schedule)'") }
        for deployment in settings["on_alert"] as? [String] ?? [] { parts.append("alerts on '\(deployment)'") }
        for path in settings["on_dataset"] as? [String] ?? [] { parts.append("new data at '\(path)'") }
        return "Triggers: " + (parts + ["REST"]).joined(separator: ", ")
    }

    static func runsTable(_ runs: [[String: Any]]) -> String {
        var table = TextTable(headers: ["RUN", "STATUS", "TRIGGER", "CREATED", "ENDED", "DETAIL"])
        for run in runs {
            let detail = run["message"] as? String ?? run["trigger_detail"] as? String ?? ""
            table.rows.append([
                run["run_id"] as? String ?? "", run["status"] as? String ?? "", run["trigger"] as? String ?? "",
                TimeFormat.millis(run["created_at"]), run["ended_at"].map { TimeFormat.millis($0) } ?? "-",
                detail.count > 100 ? String(detail.prefix(99)) + "…" : detail,
            ])
        }
        return table.render()
    }

    /// Prints the events after `after`; returns the last sequence number and the run's status.
    static func printEvents(client: ServerClient, pipeline: String, run: String, after: Int64, json: Bool) async throws -> (Int64, String) {
        var last = after
        var status = ""
        while true {
            let page = try await client.callKeel("GET", "pipelines/\(pipeline)/runs/\(run)/events", query: ["after": String(last), "max_results": "1000"])
            let events = page["events"] as? [[String: Any]] ?? []
            status = page["status"] as? String ?? ""
            for event in events {
                if json {
                    let data = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print(line(event))
                }
            }
            last = JSONValue.int64(page["last_seq"]) ?? last
            if events.count < 1000 { return (last, status) }
        }
    }

    /// Prints events as they come until the run ends; returns its final status.
    static func follow(client: ServerClient, pipeline: String, run: String, json: Bool) async throws -> String {
        var last: Int64 = 0
        while true {
            let (next, status) = try await printEvents(client: client, pipeline: pipeline, run: run, after: last, json: json)
            last = next
            if ["succeeded", "failed", "cancelled"].contains(status) {
                // Events written just before the end.
                _ = try await printEvents(client: client, pipeline: pipeline, run: run, after: last, json: json)
                if !json {
                    let record = try await client.callKeel("GET", "pipelines/\(pipeline)/runs/\(run)")["run"] as? [String: Any] ?? [:]
                    print("Run \(run) \(status)\((record["message"] as? String).map { ": \($0)" } ?? ".")")
                }
                return status
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// One event as a line for people.
    static func line(_ event: [String: Any]) -> String {
        let stage = event["stage"] as? String ?? ""
        switch event["event"] as? String {
        case "pipeline_started": return "Started: \((event["stages"] as? [String] ?? []).joined(separator: " → "))"
        case "stage_started": return "  \(stage) ▶ running  \(event["cmd"] as? String ?? "")"
        case "stage_output": return "  \(stage) │ \(event["message"] as? String ?? "")"
        case "stage_finished":
            let reasons = (event["reasons"] as? [String] ?? []).joined(separator: "; ")
            let status = event["status"] as? String ?? ""
            return "  \(stage) \(status)\(["failed", "blocked", "cancelled"].contains(status) && !reasons.isEmpty ? ": \(reasons)" : "")"
        case "pipeline_finished": return event["succeeded"] as? Bool == true ? "Pipeline succeeded." : "Pipeline did not succeed."
        default: return ""
        }
    }
}
