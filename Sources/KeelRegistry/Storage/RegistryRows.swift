import KeelTracking

/// A row of `registered_models`.
struct RegisteredModelRow: Decodable, Sendable {
    static let columns = ["name", "creation_timestamp", "last_updated_timestamp", "description", "user_id"]
    let name: String
    let creationTimestamp: Int64
    let lastUpdatedTimestamp: Int64
    let description: String?
    let userId: String?
}

/// A row of `model_versions`.
struct ModelVersionRow: Decodable, Sendable {
    static let columns = [
        "name", "version", "creation_timestamp", "last_updated_timestamp", "description", "user_id",
        "current_stage", "source", "storage_location", "run_id", "run_link", "model_id", "status", "status_message",
    ]
    let name: String
    let version: Int64
    let creationTimestamp: Int64
    let lastUpdatedTimestamp: Int64
    let description: String?
    let userId: String?
    let currentStage: String
    let source: String
    let storageLocation: String
    let runId: String?
    let runLink: String?
    let modelId: String?
    let status: String
    let statusMessage: String?

    func version(tags: [KeyValue], aliases: [String]) -> ModelVersion {
        ModelVersion(
            name: name, version: version, creationTimestamp: creationTimestamp, lastUpdatedTimestamp: lastUpdatedTimestamp,
            description: description, userID: userId, currentStage: ModelStage(rawValue: currentStage) ?? .none,
            source: source, storageLocation: storageLocation, runID: runId, runLink: runLink, modelID: modelId,
            status: status, statusMessage: statusMessage, tags: tags, aliases: aliases
        )
    }
}

/// A tag row of `registered_model_tags` or `model_version_tags`.
struct RegistryTagRow: Decodable, Sendable {
    let name: String
    let version: Int64?
    let key: String
    let value: String
}

/// A row of `registered_model_aliases`.
struct AliasRow: Decodable, Sendable {
    let name: String
    let alias: String
    let version: Int64
}
