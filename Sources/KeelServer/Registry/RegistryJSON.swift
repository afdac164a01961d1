import Hummingbird
import KeelRegistry
import KeelTracking

/// MLflow's `ModelVersion`; versions travel as strings.
struct ModelVersionJSON: Encodable {
    let version: ModelVersion

    init(_ version: ModelVersion) { self.version = version }

    enum CodingKeys: String, CodingKey {
        case name, version, creationTimestamp = "creation_timestamp", lastUpdatedTimestamp = "last_updated_timestamp"
        case userId = "user_id", currentStage = "current_stage", description, source, runId = "run_id", status
        case statusMessage = "status_message", tags, runLink = "run_link", aliases, modelId = "model_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version.name, forKey: .name)
        try container.encode(String(version.version), forKey: .version)
        try container.encode(version.creationTimestamp, forKey: .creationTimestamp)
        try container.encode(version.lastUpdatedTimestamp, forKey: .lastUpdatedTimestamp)
        try container.encodeIfPresent(version.userID, forKey: .userId)
        try container.encode(version.currentStage.rawValue, forKey: .currentStage)
        try container.encodeIfPresent(version.description, forKey: .description)
        try container.encode(version.source, forKey: .source)
        try container.encodeIfPresent(version.runID, forKey: .runId)
        try container.encode(version.status, forKey: .status)
        try container.encodeIfPresent(version.statusMessage, forKey: .statusMessage)
        try container.encode(version.tags, forKey: .tags)
        try container.encodeIfPresent(version.runLink, forKey: .runLink)
        try container.encode(version.aliases, forKey: .aliases)
        try container.encodeIfPresent(version.modelID, forKey: .modelId)
    }
}

/// MLflow's `RegisteredModel`.
struct RegisteredModelJSON: Encodable {
    let model: RegisteredModel

    init(_ model: RegisteredModel) { self.model = model }

    private struct AliasJSON: Encodable {
        let alias: String
        let version: String
    }

    enum CodingKeys: String, CodingKey {
        case name, creationTimestamp = "creation_timestamp", lastUpdatedTimestamp = "last_updated_timestamp"
        case userId = "user_id", description, latestVersions = "latest_versions", tags, aliases
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model.name, forKey: .name)
        try container.encode(model.creationTimestamp, forKey: .creationTimestamp)
        try container.encode(model.lastUpdatedTimestamp, forKey: .lastUpdatedTimestamp)
        try container.encodeIfPresent(model.userID, forKey: .userId)
        try container.encodeIfPresent(model.description, forKey: .description)
        try container.encode(model.latestVersions.map(ModelVersionJSON.init), forKey: .latestVersions)
        try container.encode(model.tags, forKey: .tags)
        try container.encode(model.aliases.map { AliasJSON(alias: $0.alias, version: String($0.version)) }, forKey: .aliases)
    }
}

/// Answer carrying one registered model.
struct RegisteredModelResponse: ResponseEncodable {
    let registeredModel: RegisteredModelJSON
    enum CodingKeys: String, CodingKey { case registeredModel = "registered_model" }
}

/// Answer carrying one model version.
struct ModelVersionResponse: ResponseEncodable {
    let modelVersion: ModelVersionJSON
    enum CodingKeys: String, CodingKey { case modelVersion = "model_version" }
}

/// Answer carrying several model versions (latest versions, search).
struct ModelVersionsResponse: ResponseEncodable {
    let modelVersions: [ModelVersionJSON]
    let nextPageToken: String?
    enum CodingKeys: String, CodingKey { case modelVersions = "model_versions", nextPageToken = "next_page_token" }
}

/// Answer of `registered-models/search`.
struct RegisteredModelsResponse: ResponseEncodable {
    let registeredModels: [RegisteredModelJSON]
    let nextPageToken: String?
    enum CodingKeys: String, CodingKey { case registeredModels = "registered_models", nextPageToken = "next_page_token" }
}

/// Answer of `model-versions/get-download-uri`.
struct DownloadURIResponse: ResponseEncodable {
    let artifactUri: String
    enum CodingKeys: String, CodingKey { case artifactUri = "artifact_uri" }
}
