import KeelCore

/// A row of `runs`, as read.
struct RunRow: Decodable, Sendable {
    static let columns = [
        "run_uuid", "experiment_id", "name", "user_id", "status", "start_time", "end_time",
        "lifecycle_stage", "artifact_uri",
    ]
    let runUuid: String
    let experimentId: Int64
    let name: String
    let userId: String
    let status: String
    let startTime: Int64?
    let endTime: Int64?
    let lifecycleStage: String
    let artifactUri: String

    var info: RunInfo {
        RunInfo(
            runID: runUuid,
            experimentID: experimentId,
            runName: name,
            userID: userId,
            status: RunStatus(rawValue: status) ?? .running,
            startTime: startTime,
            endTime: endTime,
            artifactURI: artifactUri,
            lifecycleStage: LifecycleStage(rawValue: lifecycleStage) ?? .active
        )
    }
}

/// A row of `experiments`, as read.
struct ExperimentRow: Decodable, Sendable {
    static let columns = [
        "experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time",
    ]
    let experimentId: Int64
    let name: String
    let artifactLocation: String
    let lifecycleStage: String
    let creationTime: Int64
    let lastUpdateTime: Int64

    func experiment(tags: [KeyValue]) -> Experiment {
        Experiment(
            id: experimentId,
            name: name,
            artifactLocation: artifactLocation,
            lifecycleStage: LifecycleStage(rawValue: lifecycleStage) ?? .active,
            creationTime: creationTime,
            lastUpdateTime: lastUpdateTime,
            tags: tags
        )
    }
}

/// A row of `params`, `tags` or `experiment_tags` with its owner.
struct OwnedKeyValueRow: Decodable, Sendable {
    let owner: String
    let key: String
    let value: String
}

/// A row of `metrics` or `latest_metrics`.
struct MetricRow: Decodable, Sendable {
    let runUuid: String
    let key: String
    let value: Double?
    let timestamp: Int64
    let step: Int64
    let isNan: Int64
    let modelId: String?
    let datasetName: String?
    let datasetDigest: String?

    var metric: Metric {
        Metric(
            key: key,
            value: isNan != 0 ? .nan : (value ?? .nan),
            timestamp: timestamp,
            step: step,
            modelID: modelId,
            datasetName: datasetName,
            datasetDigest: datasetDigest
        )
    }
}
