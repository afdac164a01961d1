import KeelCore
import KeelRegistry
import KeelTracking

/// Fields shared by registry requests: every one names a model, many a version.
extension KeyedDecodingContainer where Key == AnyCodingKey {
    func modelName() throws -> String { try requiredString(.init("name")) }

    func versionNumber() throws -> Int64 {
        try RegistryService.versionNumber(try requiredString(.init("version")))
    }
}

/// A request naming a registered model, with the optional fields its endpoints use.
struct RegisteredModelRequest: Decodable {
    let name: String
    let newName: String?
    let description: String?
    let tags: [KeyValue]
    let key: String?
    let value: String?
    let stages: [String]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try fields.modelName()
        newName = try fields.flexibleString(.init("new_name"))
        description = try fields.flexibleString(.init("description"))
        tags = try fields.keyValues(.init("tags"))
        key = try fields.flexibleString(.init("key"))
        value = try fields.flexibleString(.init("value"))
        stages = try fields.flexibleStrings(.init("stages"))
    }

    func requiredKey() throws -> String {
        guard let key else { throw KeelError.invalidParameter("Missing value for required parameter 'key'.") }
        return key
    }
}

/// A request naming one version, with the optional fields its endpoints use.
struct ModelVersionRequest: Decodable {
    let name: String
    let version: Int64
    let description: String?
    let key: String?
    let value: String?
    let stage: String?
    let archiveExistingVersions: Bool

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try fields.modelName()
        version = try fields.versionNumber()
        description = try fields.flexibleString(.init("description"))
        key = try fields.flexibleString(.init("key"))
        value = try fields.flexibleString(.init("value"))
        stage = try fields.flexibleString(.init("stage"))
        archiveExistingVersions = try fields.flexibleBool(.init("archive_existing_versions")) ?? false
    }

    func requiredKey() throws -> String {
        guard let key else { throw KeelError.invalidParameter("Missing value for required parameter 'key'.") }
        return key
    }
}

/// Body of `model-versions/create`.
struct CreateModelVersionRequest: Decodable {
    let name: String
    let source: String
    let runID: String?
    let modelID: String?
    let tags: [KeyValue]
    let runLink: String?
    let description: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try fields.modelName()
        source = try fields.requiredString(.init("source"))
        runID = try fields.flexibleString(.init("run_id")).flatMap { $0.isEmpty ? nil : $0 }
        modelID = try fields.flexibleString(.init("model_id")).flatMap { $0.isEmpty ? nil : $0 }
        tags = try fields.keyValues(.init("tags"))
        runLink = try fields.flexibleString(.init("run_link"))
        description = try fields.flexibleString(.init("description"))
    }
}

/// Requests of `registered-models/alias` (set, get, delete).
struct AliasRequest: Decodable {
    let name: String
    let alias: String
    let version: Int64?
    /// Keel's addition: why the version's data was used (required for protected aliases).
    let justification: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try fields.modelName()
        alias = try fields.requiredString(.init("alias"))
        justification = try fields.flexibleString(.init("justification"))
        version = try fields.flexibleString(.init("version")).map { text throws(KeelError) in try RegistryService.versionNumber(text) }
    }
}

/// Query of the registry searches.
struct RegistrySearchRequest: Decodable {
    let filter: String?
    let maxResults: Int?
    let orderBy: [String]
    let pageToken: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        filter = try fields.flexibleString(.init("filter"))
        maxResults = try fields.flexibleInt(.init("max_results"))
        orderBy = try fields.flexibleStrings(.init("order_by"))
        pageToken = try fields.flexibleString(.init("page_token"))
    }
}
