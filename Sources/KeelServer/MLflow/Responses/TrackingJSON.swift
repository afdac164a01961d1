import Hummingbird
import KeelTracking

// Wire shapes of MLflow's tracking entities. Property names are camelCase and the encoder is
// not asked to convert them; explicit CodingKeys spell the snake_case wire names.

/// MLflow's `Experiment`.
struct ExperimentJSON: Encodable {
    let experimentId: String
    let name: String
    let artifactLocation: String
    let lifecycleStage: String
    let creationTime: Int64
    let lastUpdateTime: Int64
    let tags: [KeyValue]

    init(_ experiment: Experiment) {
        experimentId = String(experiment.id)
        name = experiment.name
        artifactLocation = experiment.artifactLocation
        lifecycleStage = experiment.lifecycleStage.rawValue
        creationTime = experiment.creationTime
        lastUpdateTime = experiment.lastUpdateTime
        tags = experiment.tags
    }

    enum CodingKeys: String, CodingKey {
        case experimentId = "experiment_id", name, artifactLocation = "artifact_location"
        case lifecycleStage = "lifecycle_stage", creationTime = "creation_time", lastUpdateTime = "last_update_time", tags
    }
}

/// MLflow's `RunInfo`; the id goes out twice, as `run_id` and the legacy `run_uuid`.
struct RunInfoJSON: Encodable {
    let info: RunInfo

    init(_ info: RunInfo) { self.info = info }

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", runUuid = "run_uuid", experimentId = "experiment_id", runName = "run_name"
        case userId = "user_id", status, startTime = "start_time", endTime = "end_time"
        case artifactUri = "artifact_uri", lifecycleStage = "lifecycle_stage"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(info.runID, forKey: .runId)
        try container.encode(info.runID, forKey: .runUuid)
        try container.encode(String(info.experimentID), forKey: .experimentId)
        try container.encode(info.runName, forKey: .runName)
        try container.encode(info.userID, forKey: .userId)
        try container.encode(info.status.rawValue, forKey: .status)
        try container.encodeIfPresent(info.startTime, forKey: .startTime)
        try container.encodeIfPresent(info.endTime, forKey: .endTime)
        try container.encode(info.artifactURI, forKey: .artifactUri)
        try container.encode(info.lifecycleStage.rawValue, forKey: .lifecycleStage)
    }
}

/// MLflow's `Metric`.
struct MetricJSON: Encodable {
    let metric: Metric
    var runID: String?

    init(_ metric: Metric, runID: String? = nil) {
        self.metric = metric
        self.runID = runID
    }

    enum CodingKeys: String, CodingKey {
        case key, value, timestamp, step, modelId = "model_id", datasetName = "dataset_name"
        case datasetDigest = "dataset_digest", runId = "run_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric.key, forKey: .key)
        try container.encode(metric.value, forKey: .value)
        try container.encode(metric.timestamp, forKey: .timestamp)
        try container.encode(metric.step, forKey: .step)
        try container.encodeIfPresent(metric.modelID, forKey: .modelId)
        try container.encodeIfPresent(metric.datasetName, forKey: .datasetName)
        try container.encodeIfPresent(metric.datasetDigest, forKey: .datasetDigest)
        try container.encodeIfPresent(runID, forKey: .runId)
    }
}

/// MLflow's `Run`: info, data, inputs and outputs.
struct RunJSON: Encodable {
    let run: Run

    init(_ run: Run) { self.run = run }

    private struct DataJSON: Encodable {
        let metrics: [MetricJSON]
        let params: [KeyValue]
        let tags: [KeyValue]
    }

    private struct DatasetJSON: Encodable {
        let dataset: Dataset
        enum CodingKeys: String, CodingKey { case name, digest, sourceType = "source_type", source, schema, profile }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(dataset.name, forKey: .name)
            try container.encode(dataset.digest, forKey: .digest)
            try container.encode(dataset.sourceType, forKey: .sourceType)
            try container.encode(dataset.source, forKey: .source)
            try container.encodeIfPresent(dataset.schema, forKey: .schema)
            try container.encodeIfPresent(dataset.profile, forKey: .profile)
        }
    }

    private struct DatasetInputJSON: Encodable {
        let tags: [KeyValue]
        let dataset: DatasetJSON
    }

    private struct ModelInputJSON: Encodable {
        let modelId: String
        enum CodingKeys: String, CodingKey { case modelId = "model_id" }
    }

    private struct ModelOutputJSON: Encodable {
        let modelId: String
        let step: Int64
        enum CodingKeys: String, CodingKey { case modelId = "model_id", step }
    }

    private struct InputsJSON: Encodable {
        let datasetInputs: [DatasetInputJSON]
        let modelInputs: [ModelInputJSON]
        enum CodingKeys: String, CodingKey { case datasetInputs = "dataset_inputs", modelInputs = "model_inputs" }
    }

    private struct OutputsJSON: Encodable {
        let modelOutputs: [ModelOutputJSON]
        enum CodingKeys: String, CodingKey { case modelOutputs = "model_outputs" }
    }

    enum CodingKeys: String, CodingKey { case info, data, inputs, outputs }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(RunInfoJSON(run.info), forKey: .info)
        try container.encode(DataJSON(metrics: run.metrics.map { MetricJSON($0) }, params: run.params, tags: run.tags), forKey: .data)
        try container.encode(InputsJSON(
            datasetInputs: run.inputs.datasetInputs.map { DatasetInputJSON(tags: $0.tags, dataset: DatasetJSON(dataset: $0.dataset)) },
            modelInputs: run.inputs.modelInputs.map { ModelInputJSON(modelId: $0) }
        ), forKey: .inputs)
        try container.encode(OutputsJSON(
            modelOutputs: run.outputs.modelOutputs.map { ModelOutputJSON(modelId: $0.modelID, step: $0.step) }
        ), forKey: .outputs)
    }
}
