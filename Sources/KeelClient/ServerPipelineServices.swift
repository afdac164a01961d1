public import Foundation
public import KeelPipelines

/// A pipeline run recorded on a Keel server through its public REST APIs: MLflow's tracking,
/// artifact and registry routes, and Keel's deployments. The same calls whether the server is
/// remote (`--server`) or the one `keel run` starts in its own process on the embedded store.
public struct ServerPipelineServices: PipelineServices {
    let client: ServerClient
    /// The pipeline's directory, to name dataset sources by their full path.
    let directory: URL

    public init(client: ServerClient, directory: URL) {
        self.client = client
        self.directory = directory
    }

    /// MLflow's limit on params per `log-batch` call.
    private static let paramsPerBatch = 100
    private static let metricsPerBatch = 1000

    public func startPipelineRun(_ start: PipelineRunStart) async throws -> PipelineRunHandle {
        let experimentID = try await experiment(named: start.experiment)
        let runID = try await createRun(experimentID: experimentID, name: start.runName, tags: start.tags)
        try await logBatch(runID, params: start.params, metrics: [:], tags: [:])
        return PipelineRunHandle(runID: runID, experimentID: experimentID)
    }

    public func startStageRun(pipelineRunID: String, experimentID: String, stage: String, tags: [String: String]) async throws -> String {
        var tags = tags
        tags["mlflow.parentRunId"] = pipelineRunID
        return try await createRun(experimentID: experimentID, name: stage, tags: tags)
    }

    public func record(_ record: StageRecord) async throws {
        try await logBatch(record.runID, params: record.params, metrics: record.metrics, tags: record.tags)
        if !record.datasets.isEmpty {
            let datasets: [[String: Any]] = record.datasets.map { dataset in
                var source: [String: Any] = ["uri": directory.appendingPathComponent(dataset.path).path, "sha256": dataset.sha256, "size": dataset.size]
                if let files = dataset.files { source["files"] = files }
                return [
                    "tags": [["key": "mlflow.data.context", "value": dataset.stage]],
                    "dataset": [
                        "name": dataset.path, "digest": String(dataset.sha256.prefix(32)), "source_type": "local",
                        "source": Self.jsonText(source), "profile": Self.jsonText(["num_bytes": dataset.size, "files": dataset.files ?? 1]),
                    ] as [String: Any],
                ]
            }
            _ = try await client.call("POST", "runs/log-inputs", body: ["run_id": record.runID, "datasets": datasets])
        }
        if !record.artifacts.isEmpty {
            let root = try await artifactRoot(of: record.runID)
            for artifact in record.artifacts where FileManager.default.fileExists(atPath: artifact.file.path) {
                try await client.uploadArtifact(file: artifact.file, to: root + "/" + artifact.artifactPath)
            }
        }
    }

    public func finishRun(_ runID: String, succeeded: Bool) async throws {
        _ = try await client.call("POST", "runs/update", body: [
            "run_id": runID, "status": succeeded ? "FINISHED" : "FAILED", "end_time": Self.nowMillis(),
        ])
    }

    public func championMetrics(model: String, alias: String) async throws -> [String: Double]? {
        // Through the model's alias list: a missing model and a missing alias both mean "no champion yet".
        let registered: [String: Any]
        do {
            registered = try await client.call("GET", "registered-models/get", query: ["name": model])["registered_model"] as? [String: Any] ?? [:]
        } catch let failure as ServerClient.Failure where failure.code == "RESOURCE_DOES_NOT_EXIST" {
            return nil
        }
        let aliases = registered["aliases"] as? [[String: Any]] ?? []
        guard let number = aliases.first(where: { $0["alias"] as? String == alias })?["version"].flatMap(Self.integer) else { return nil }
        let version = try await client.call("GET", "model-versions/get", query: ["name": model, "version": String(number)])["model_version"] as? [String: Any] ?? [:]
        guard let runID = version["run_id"] as? String, !runID.isEmpty else { return [:] }
        let run = try await client.call("GET", "runs/get", query: ["run_id": runID])["run"] as? [String: Any]
        let metrics = (run?["data"] as? [String: Any])?["metrics"] as? [[String: Any]] ?? []
        var values: [String: Double] = [:]
        for metric in metrics {
            if let key = metric["key"] as? String, let value = Self.number(metric["value"]) { values[key] = value }
        }
        return values
    }

    public func registerModel(_ registration: ModelRegistration) async throws -> Int64 {
        let root = try await artifactRoot(of: registration.runID)
        let manifest = try ContentHash.manifest(registration.directory)
        for file in manifest {
            try await client.uploadArtifact(
                file: registration.directory.appendingPathComponent(file.path), to: "\(root)/\(registration.artifactPath)/\(file.path)"
            )
        }
        do {
            _ = try await client.call("GET", "registered-models/get", query: ["name": registration.name])
        } catch let failure as ServerClient.Failure where failure.code == "RESOURCE_DOES_NOT_EXIST" {
            _ = try await client.call("POST", "registered-models/create", body: ["name": registration.name])
        }
        let created = try await client.call("POST", "model-versions/create", body: [
            "name": registration.name,
            "source": "runs:/\(registration.runID)/\(registration.artifactPath)",
            "run_id": registration.runID,
            "tags": registration.tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ])
        guard let version = (created["model_version"] as? [String: Any])?["version"].flatMap(Self.integer) else {
            throw ServerClient.Failure(description: "The server did not say which version it created.")
        }
        if let alias = registration.alias {
            _ = try await client.call("POST", "registered-models/alias", body: ["name": registration.name, "alias": alias, "version": String(version)])
        }
        return version
    }

    public func deploy(_ deployment: ModelDeployment) async throws -> DeploymentChange {
        let current: [String: Any]
        do {
            current = try await client.callKeel("GET", "deployments/\(deployment.deployment)")["deployment"] as? [String: Any] ?? [:]
        } catch let failure as ServerClient.Failure where failure.code == "RESOURCE_DOES_NOT_EXIST" {
            _ = try await client.callKeel("POST", "deployments", body: [
                "name": deployment.deployment, "model": "\(deployment.model)/\(deployment.version)", "follow_alias": false,
            ])
            return DeploymentChange(role: "primary", message: "created deployment '\(deployment.deployment)' serving \(deployment.model) version \(deployment.version) "
                + "(there was no version before it to share traffic with, so it takes all of it)")
        }
        let model = (current["model"] as? String).map { $0.split(separator: "@").first.map(String.init) ?? $0 } ?? ""
        guard model.hasPrefix(deployment.model) else {
            throw ServerClient.Failure(description: "Deployment '\(deployment.deployment)' serves model '\(model)', not '\(deployment.model)'.")
        }
        if let primary = current["primary_version"].flatMap(Self.integer), primary == deployment.version {
            return DeploymentChange(role: "primary", message: "deployment '\(deployment.deployment)' already serves version \(deployment.version) as its primary")
        }
        let traffic: [String: Any] = switch deployment.mode {
        case .canary: ["kind": "canary", "candidate": String(deployment.version), "percent": deployment.percent]
        case .shadow: ["kind": "shadow", "candidate": String(deployment.version)]
        }
        _ = try await client.callKeel("PATCH", "deployments/\(deployment.deployment)", body: ["traffic": traffic])
        return switch deployment.mode {
        case .canary: DeploymentChange(role: "canary", message: "deployment '\(deployment.deployment)' now sends \(deployment.percent)% of its traffic to version \(deployment.version)")
        case .shadow: DeploymentChange(role: "shadow", message: "deployment '\(deployment.deployment)' now copies its traffic to version \(deployment.version) (answers logged, not returned)")
        }
    }

    // MARK: - Helpers

    private func experiment(named name: String) async throws -> String {
        do {
            let found = try await client.call("GET", "experiments/get-by-name", query: ["experiment_name": name])
            if let id = (found["experiment"] as? [String: Any])?["experiment_id"] as? String { return id }
        } catch let failure as ServerClient.Failure where failure.code == "RESOURCE_DOES_NOT_EXIST" {}
        do {
            let created = try await client.call("POST", "experiments/create", body: ["name": name])
            if let id = created["experiment_id"] as? String { return id }
        } catch let failure as ServerClient.Failure where failure.code == "RESOURCE_ALREADY_EXISTS" {
            // Created by another run since the lookup.
            return try await experiment(named: name)
        }
        throw ServerClient.Failure(description: "The server did not return an id for experiment '\(name)'.")
    }

    private func createRun(experimentID: String, name: String, tags: [String: String]) async throws -> String {
        let created = try await client.call("POST", "runs/create", body: [
            "experiment_id": experimentID, "run_name": name, "start_time": Self.nowMillis(),
            "tags": tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ])
        guard let id = ((created["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String else {
            throw ServerClient.Failure(description: "The server did not return the new run's id.")
        }
        return id
    }

    private func logBatch(_ runID: String, params: [String: String], metrics: [String: Double], tags: [String: String]) async throws {
        let timestamp = Self.nowMillis()
        let paramList = params.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] }
        let metricList: [[String: Any]] = metrics.sorted { $0.key < $1.key }.map {
            ["key": $0.key, "value": $0.value.isFinite ? $0.value as Any : String($0.value) as Any, "timestamp": timestamp, "step": 0]
        }
        let tagList = tags.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] }
        var start = (params: 0, metrics: 0)
        repeat {
            let paramSlice = Array(paramList[start.params..<min(start.params + Self.paramsPerBatch, paramList.count)])
            let metricSlice = Array(metricList[start.metrics..<min(start.metrics + Self.metricsPerBatch, metricList.count)])
            let body: [String: Any] = ["run_id": runID, "params": paramSlice, "metrics": metricSlice, "tags": start == (0, 0) ? tagList : []]
            _ = try await client.call("POST", "runs/log-batch", body: body)
            start = (start.params + paramSlice.count, start.metrics + metricSlice.count)
        } while start.params < paramList.count || start.metrics < metricList.count
    }

    /// The run's artifact root as a path under the artifact proxy.
    private func artifactRoot(of runID: String) async throws -> String {
        let run = try await client.call("GET", "runs/get", query: ["run_id": runID])["run"] as? [String: Any]
        guard let uri = (run?["info"] as? [String: Any])?["artifact_uri"] as? String, uri.hasPrefix("mlflow-artifacts:") else {
            throw ServerClient.Failure(description: "Run \(runID) stores artifacts where this client cannot upload them.")
        }
        var path = Substring(uri.dropFirst("mlflow-artifacts:".count))
        while path.hasPrefix("/") { path = path.dropFirst() }
        return String(path)
    }

    private static func jsonText(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func nowMillis() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    private static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }

    private static func integer(_ value: Any) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }
}
