public import KeelCore
public import KeelStore
public import KeelTracking
import Foundation
import SQLKit

/// The model registry: registered models, versions, aliases, stages, tags, and the event log.
///
/// Like tracking, it keeps no state of its own; every change is one transaction that also
/// appends a ``RegistryEvent``, so subscribers never miss a change that was acknowledged.
public struct RegistryService: Sendable {
    /// The metadata store.
    public let store: any MetadataStore
    /// Tracking, for resolving the runs and logged models versions point at.
    public let tracking: TrackingService

    /// Creates the registry over a migrated store.
    public init(store: any MetadataStore, tracking: TrackingService) {
        self.store = store
        self.tracking = tracking
    }
}

/// MLflow's registry limits.
public enum RegistryLimits {
    /// Registered models per page when the client does not say.
    public static let defaultModels = 100
    /// The most registered models one page may hold.
    public static let maxModels = 1000
    /// Versions per page when the client does not say.
    public static let defaultVersions = 10_000
    /// The most versions one page may hold.
    public static let maxVersions = 200_000
    /// `MAX_MODEL_REGISTRY_TAG_KEY_LENGTH`.
    public static let tagKey = 250
    /// `MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH`.
    public static let tagValue = 100_000
    /// Longest alias.
    public static let alias = 255
}

extension RegistryService {
    /// Parses a version number as sent on the wire (a decimal string).
    public static func versionNumber(_ text: String) throws(KeelError) -> Int64 {
        guard let version = Int64(text), version > 0 else {
            throw .invalidParameter("Invalid model version: '\(text)'. Versions are positive integers.")
        }
        return version
    }

    static func validateName(_ name: String) throws(KeelError) {
        guard !name.isEmpty else { throw .invalidParameter("Registered model name cannot be empty.") }
        if name.contains("/") || name.contains(":") {
            throw .invalidParameter("Invalid model name: '\(name)'. Names cannot contain '/' or ':'.")
        }
    }

    static func validateTag(_ tag: KeyValue) throws(KeelError) {
        guard !tag.key.isEmpty, tag.key.count <= RegistryLimits.tagKey else {
            throw .invalidParameter("Tag key must be 1 to \(RegistryLimits.tagKey) characters.")
        }
        guard tag.value.count <= RegistryLimits.tagValue else {
            throw .invalidParameter("Tag value exceeds the maximum length of \(RegistryLimits.tagValue) characters.")
        }
        try EntityKey.validate(tag.key, kind: "tag")
    }

    static func validateAlias(_ alias: String) throws(KeelError) {
        guard !alias.isEmpty, alias.count <= RegistryLimits.alias,
              alias.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        else {
            throw .invalidParameter("Invalid alias name: '\(alias)'. Aliases may only contain alphanumerics, underscores and dashes, at most \(RegistryLimits.alias) characters.")
        }
        let lower = alias.lowercased()
        if lower == "latest" || (lower.hasPrefix("v") && lower.count > 1 && lower.dropFirst().allSatisfy(\.isNumber)) {
            throw .invalidParameter("'\(alias)' is a reserved alias name: 'latest' and 'v<number>' name versions already.")
        }
    }

    static func requireModelRow(_ name: String, in database: any SQLDatabase) async throws -> RegisteredModelRow {
        guard let row = try await database.select().columns(RegisteredModelRow.columns).from("registered_models")
            .where("name", .equal, SQLBind(name))
            .first(decoding: RegisteredModelRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        else {
            throw KeelError.notFound("Registered Model with name=\(name) not found")
        }
        return row
    }

    static func requireVersionRow(_ name: String, _ version: Int64, in database: any SQLDatabase) async throws -> ModelVersionRow {
        guard let row = try await database.select().columns(ModelVersionRow.columns).from("model_versions")
            .where("name", .equal, SQLBind(name)).where("version", .equal, SQLBind(version))
            .where("current_stage", .notEqual, SQLBind(ModelStage.deletedInternal))
            .first(decoding: ModelVersionRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        else {
            throw KeelError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        return row
    }

    /// Marks the model as changed now (and, on PostgreSQL, locks its row for the transaction,
    /// which serialises concurrent version numbering).
    static func touchModel(_ name: String, at time: Int64, in database: any SQLDatabase) async throws {
        try await database.update("registered_models").set("last_updated_timestamp", to: SQLBind(time))
            .where("name", .equal, SQLBind(name)).run()
    }

    /// Appends an event in the caller's transaction.
    static func record(
        _ kind: RegistryEvent.Kind, model: String, version: Int64? = nil, detail: [String: String] = [:],
        in database: any SQLDatabase
    ) async throws {
        let json = (try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        try await database.insert(into: "registry_events")
            .columns("kind", "model_name", "version", "detail", "created_at")
            .values(SQLBind(kind.rawValue), SQLBind(model), SQLBind(version), SQLBind(json), SQLBind(Timestamp.nowMillis()))
            .run()
    }

    static func upsertTag(_ table: String, _ owner: [(String, any Encodable & Sendable)], _ tag: KeyValue, in database: any SQLDatabase) async throws {
        let columns = owner.map(\.0) + ["key", "value"]
        let values = owner.map { SQLBind($0.1) as any SQLExpression } + [SQLBind(tag.key), SQLBind(tag.value)]
        try await database.raw("""
            INSERT INTO \(ident: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES (\(SQLList(values)))
            ON CONFLICT (\(unsafeRaw: (owner.map(\.0) + ["key"]).joined(separator: ", "))) DO UPDATE SET value = excluded.value
            """).run()
    }
}
