import KeelCore
import KeelStore

/// A row of `runs`, as read.
struct RunRow: Sendable {
    static let columns = [
        "run_uuid", "experiment_id", "name", "user_id", "status", "start_time", "end_time",
        "lifecycle_stage", "artifact_uri",
    ]
    /// ``columns`` as a `SELECT` list, joined once.
    static let columnList = columns.joined(separator: ", ")
    let runUuid: String
    let experimentId: Int64
    let name: String
    let userId: String
    let status: String
    let startTime: Int64?
    let endTime: Int64?
    let lifecycleStage: String
    let artifactUri: String

    /// Column types in ``columns`` order, for positional reads.
    static let types: [StoreColumnType] = [.text, .int64, .text, .text, .text, .int64, .int64, .text, .text]

    init(values: [StoreValue]) {
        runUuid = values[0].text ?? ""
        experimentId = values[1].int64 ?? 0
        name = values[2].text ?? ""
        userId = values[3].text ?? ""
        status = values[4].text ?? ""
        startTime = values[5].int64
        endTime = values[6].int64
        lifecycleStage = values[7].text ?? ""
        artifactUri = values[8].text ?? ""
    }


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

    /// Column types of `SELECT` ``columns``, for positional reads.
    static let types: [StoreColumnType] = [.int64, .text, .text, .text, .int64, .int64]

    init(values: [StoreValue]) {
        experimentId = values[0].int64 ?? 0
        name = values[1].text ?? ""
        artifactLocation = values[2].text ?? ""
        lifecycleStage = values[3].text ?? ""
        creationTime = values[4].int64 ?? 0
        lastUpdateTime = values[5].int64 ?? 0
    }

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
struct OwnedKeyValueRow: Sendable {
    let owner: String
    let key: String
    let value: String

    /// Column types of `SELECT owner, key, value`, for positional reads.
    static let types: [StoreColumnType] = [.text, .text, .text]

    init(values: [StoreValue]) {
        owner = values[0].text ?? ""
        key = values[1].text ?? ""
        value = values[2].text ?? ""
    }

}

/// A row of `metrics` or `latest_metrics`.
struct MetricRow: Sendable {
    let runUuid: String
    let key: String
    let value: Double?
    let timestamp: Int64
    let step: Int64
    let isNan: Int64
    let modelId: String?
    let datasetName: String?
    let datasetDigest: String?

    /// Column types of `SELECT run_uuid, key, value, timestamp, step, is_nan, model_id,
    /// dataset_name, dataset_digest`, for positional reads.
    static let types: [StoreColumnType] = [.text, .text, .double, .int64, .int64, .int64, .text, .text, .text]

    init(values: [StoreValue]) {
        runUuid = values[0].text ?? ""
        key = values[1].text ?? ""
        value = values[2].double
        timestamp = values[3].int64 ?? 0
        step = values[4].int64 ?? 0
        isNan = values[5].int64 ?? 0
        modelId = values[6].text
        datasetName = values[7].text
        datasetDigest = values[8].text
    }


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
