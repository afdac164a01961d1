import Hummingbird
import KeelTracking

/// MLflow's `LoggedModel`: `{info, data}`.
struct LoggedModelJSON: Encodable {
    let model: LoggedModel

    init(_ model: LoggedModel) { self.model = model }

    private struct InfoJSON: Encodable {
        let model: LoggedModel
        enum CodingKeys: String, CodingKey {
            case modelId = "model_id", experimentId = "experiment_id", name
            case creationTimestampMs = "creation_timestamp_ms", lastUpdatedTimestampMs = "last_updated_timestamp_ms"
            case artifactUri = "artifact_uri", status, modelType = "model_type", sourceRunId = "source_run_id"
            case statusMessage = "status_message", tags
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model.modelID, forKey: .modelId)
            try container.encode(String(model.experimentID), forKey: .experimentId)
            try container.encode(model.name, forKey: .name)
            try container.encode(model.creationTimestamp, forKey: .creationTimestampMs)
            try container.encode(model.lastUpdatedTimestamp, forKey: .lastUpdatedTimestampMs)
            try container.encode(model.artifactLocation, forKey: .artifactUri)
            try container.encode(model.status.rawValue, forKey: .status)
            try container.encodeIfPresent(model.modelType, forKey: .modelType)
            try container.encodeIfPresent(model.sourceRunID, forKey: .sourceRunId)
            try container.encodeIfPresent(model.statusMessage, forKey: .statusMessage)
            try container.encode(model.tags, forKey: .tags)
        }
    }

    private struct DataJSON: Encodable {
        let params: [KeyValue]
        let metrics: [MetricJSON]
    }

    enum CodingKeys: String, CodingKey { case info, data }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(InfoJSON(model: model), forKey: .info)
        try container.encode(DataJSON(
            params: model.params,
            metrics: model.metrics.map { MetricJSON($0.metric, runID: $0.runID) }
        ), forKey: .data)
    }
}

/// Answer carrying one logged model.
struct LoggedModelResponse: ResponseEncodable {
    let model: LoggedModelJSON
}

/// Answer of `logged-models/search`.
struct SearchLoggedModelsResponse: ResponseEncodable {
    let models: [LoggedModelJSON]
    let nextPageToken: String?
    enum CodingKeys: String, CodingKey { case models, nextPageToken = "next_page_token" }
}
