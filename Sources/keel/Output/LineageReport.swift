/// The human-readable form of a model version's lineage.
struct LineageReport {
    let answer: [String: Any]

    func print() {
        let version = answer["model_version"] as? [String: Any] ?? [:]
        Swift.print("\(JSONValue.text(version["name"])) version \(JSONValue.text(version["version"])) (\(JSONValue.text(version["current_stage"])))")
        let aliases = version["aliases"] as? [String] ?? []
        if !aliases.isEmpty { Swift.print("  aliases: \(aliases.joined(separator: ", "))") }
        Swift.print("  source: \(JSONValue.text(version["source"]))")
        if let model = (answer["logged_model"] as? [String: Any])?["info"] as? [String: Any] {
            Swift.print("  logged model: \(JSONValue.text(model["model_id"])) (\(JSONValue.text(model["name"])), \(JSONValue.text(model["status"])))")
        }
        if let run = answer["run"] as? [String: Any] {
            let info = run["info"] as? [String: Any] ?? [:]
            let data = run["data"] as? [String: Any] ?? [:]
            Swift.print("  run: \(JSONValue.text(info["run_id"])) (\(JSONValue.text(info["run_name"])), experiment \(JSONValue.text(info["experiment_id"])))")
            section("Params", data["params"], ["KEY", "VALUE"]) { [JSONValue.text($0["key"]), JSONValue.text($0["value"])] }
            section("Metrics", data["metrics"], ["KEY", "VALUE", "STEP"]) {
                [JSONValue.text($0["key"]), JSONValue.text($0["value"]), JSONValue.text($0["step"])]
            }
        } else {
            Swift.print("  run: unknown")
        }
        section("Datasets", answer["datasets"], ["NAME", "DIGEST", "CONTEXT", "SOURCE TYPE"]) {
            [JSONValue.text($0["name"]), JSONValue.text($0["digest"]), JSONValue.text($0["context"]), JSONValue.text($0["source_type"])]
        }
        let code = answer["code"] as? [String: Any] ?? [:]
        Swift.print("\nCode: commit \(JSONValue.text(code["git_commit"])), entry point \(JSONValue.text(code["source_name"]))")
        let deployments = answer["deployments"] as? [[String: Any]] ?? []
        Swift.print("Deployments: \(deployments.isEmpty ? "none" : deployments.map { JSONValue.text($0["name"]) }.joined(separator: ", "))")
    }

    private func section(_ title: String, _ value: Any?, _ headers: [String], _ row: ([String: Any]) -> [String]) {
        let items = value as? [[String: Any]] ?? []
        guard !items.isEmpty else { return }
        Swift.print("\n\(title):")
        Swift.print(TextTable(headers: headers, rows: items.map(row)).render())
    }
}
