import KeelStore
import KeelTracking

/// A row of `registered_models`.
struct RegisteredModelRow: Decodable, Sendable {
    static let columns = ["name", "creation_timestamp", "last_updated_timestamp", "description", "user_id"]
    let name: String
    let creationTimestamp: Int64
    let lastUpdatedTimestamp: Int64
    let description: String?
    let userId: String?

    /// Column types in ``columns`` order, for positional reads.
    static let types: [StoreColumnType] = [.text, .int64, .int64, .text, .text]

    init(values: [StoreValue]) {
        name = values[0].text ?? ""
        creationTimestamp = values[1].int64 ?? 0
        lastUpdatedTimestamp = values[2].int64 ?? 0
        description = values[3].text
        userId = values[4].text
    }
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

    /// Column types in ``columns`` order, for positional reads.
    static let types: [StoreColumnType] = [
        .text, .int64, .int64, .int64, .text, .text, .text, .text, .text, .text, .text, .text, .text, .text,
    ]

    init(values: [StoreValue]) {
        name = values[0].text ?? ""
        version = values[1].int64 ?? 0
        creationTimestamp = values[2].int64 ?? 0
        lastUpdatedTimestamp = values[3].int64 ?? 0
        description = values[4].text
        userId = values[5].text
        currentStage = values[6].text ?? ""
        source = values[7].text ?? ""
        storageLocation = values[8].text ?? ""
        runId = values[9].text
        runLink = values[10].text
        modelId = values[11].text
        status = values[12].text ?? ""
        statusMessage = values[13].text
    }

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

    /// Column types of `SELECT name, version, key, value`.
    static let types: [StoreColumnType] = [.text, .int64, .text, .text]

    init(values: [StoreValue]) {
        name = values[0].text ?? ""
        version = values[1].int64
        key = values[2].text ?? ""
        value = values[3].text ?? ""
    }
}

/// A row of `registered_model_aliases`.
struct AliasRow: Decodable, Sendable {
    let name: String
    let alias: String
    let version: Int64

    /// Column types of `SELECT name, alias, version`.
    static let types: [StoreColumnType] = [.text, .text, .int64]

    init(values: [StoreValue]) {
        name = values[0].text ?? ""
        alias = values[1].text ?? ""
        version = values[2].int64 ?? 0
    }
}
