import Foundation
import KeelClient

/// How deployments look in the terminal.
enum DeploymentOutput {
    /// One deployment: a summary and a table of its versions.
    static func show(_ deployment: [String: Any], options: ClientOptions) throws {
        if options.json {
            try options.printJSON(deployment)
            return
        }
        let name = JSONValue.text(deployment["name"])
        print("Deployment \(name): \(JSONValue.text(deployment["model"])) → version \(JSONValue.text(deployment["primary_version"]))")
        print("  state:    \(JSONValue.text(deployment["state"]))")
        if let message = deployment["message"] as? String { print("  problem:  \(message)") }
        print("  traffic:  \(traffic(deployment["traffic"]))")
        if deployment["follow_alias"] as? Bool == true { print("  follows:  \(JSONValue.text(deployment["model"])) (moves when the alias moves)") }
        print("  batching: up to \(JSONValue.text(deployment["max_batch_size"])) requests, wait \(JSONValue.text(deployment["max_batch_wait_ms"])) ms")
        print("  endpoints: POST /deployments/\(name)/invocations, POST /v2/models/\(name)/infer")
        print("")
        var table = TextTable(headers: ["VERSION", "ROLE", "STATE", "WORKERS", "RESTARTS", "PROBLEM"])
        for target in deployment["targets"] as? [[String: Any]] ?? [] {
            table.rows.append([
                JSONValue.text(target["version"]), JSONValue.text(target["role"]), JSONValue.text(target["state"]),
                "\(JSONValue.text(target["ready_workers"]))/\(JSONValue.text(target["workers"]))",
                JSONValue.text(target["restarts"]), (target["message"] as? String).map { String($0.prefix(60)) } ?? "",
            ])
        }
        print(table.render())
    }

    /// A traffic policy in a few words.
    static func traffic(_ value: Any?) -> String {
        guard let traffic = value as? [String: Any] else { return "-" }
        switch traffic["kind"] as? String {
        case "canary": return "canary \(JSONValue.text(traffic["percent"]))% → v\(JSONValue.text(traffic["candidate"]))"
        case "shadow": return "shadow → v\(JSONValue.text(traffic["candidate"]))"
        case "ab":
            let variants = (traffic["variants"] as? [[String: Any]] ?? []).map { "v\(JSONValue.text($0["version"]))=\(JSONValue.text($0["weight"]))" }
            let sticky = (traffic["sticky_header"] as? String).map { " sticky on \($0)" } ?? ""
            return "A/B " + variants.joined(separator: " ") + sticky
        default: return "single"
        }
    }
}

/// Waits for a deployment to finish loading, printing progress for people.
enum DeploymentWait {
    static func untilSettled(_ name: String, client: ServerClient, timeout: Double, quiet: Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var lastProgress = ""
        while true {
            let deployment = try await client.callKeel("GET", "deployments/\(name)")["deployment"] as? [String: Any] ?? [:]
            let state = JSONValue.text(deployment["state"])
            if state != "starting" { return deployment }
            let targets = deployment["targets"] as? [[String: Any]] ?? []
            let progress = targets.map { "v\(JSONValue.text($0["version"])) \(JSONValue.text($0["ready_workers"]))/\(JSONValue.text($0["workers"]))" }
                .joined(separator: ", ")
            if !quiet, progress != lastProgress {
                FileHandle.standardError.write(Data("loading \(name): \(progress) workers ready\n".utf8))
                lastProgress = progress
            }
            guard Date() < deadline else {
                throw ServerClient.Failure(description: "Deployment \(name) is still loading after \(Int(timeout)) s; see `keel deploy show \(name)`.")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
