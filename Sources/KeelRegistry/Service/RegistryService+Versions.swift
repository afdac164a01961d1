import KeelCore
public import KeelTracking
import SQLKit

extension RegistryService {
    /// Registers a new version of `name` pointing at `source`; it is READY at once.
    public func createModelVersion(
        name: String, source: String, runID: String?, modelID: String?, tags: [KeyValue],
        runLink: String?, description: String?, userID: String? = nil
    ) async throws -> ModelVersion {
        for tag in tags { try Self.validateTag(tag) }
        let tracking = self.tracking
        return try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            // A prompt version (MLflow's client tags it and sends "dummy-source") has no files:
            // its template is a tag, so there is nothing to resolve and nothing to serve.
            let isPrompt = tags.contains { $0.key == SearchFilter.promptTagKey && $0.value.lowercased() == "true" }
            let resolved = isPrompt && source == ModelSource.promptSource
                ? ModelSource(storageLocation: "", runID: nil, modelID: nil)
                : try await ModelSource.resolve(source, runID: runID, modelID: modelID, tracking: tracking, in: database)
            let now = Timestamp.nowMillis()
            try await Self.touchModel(name, at: now, in: database)
            struct Newest: Decodable { let newest: Int64 }
            let version = (try await database.raw("""
                SELECT COALESCE(MAX(version), 0) AS newest FROM model_versions WHERE name = \(bind: name)
                """).first(decoding: Newest.self)?.newest ?? 0) + 1
            try await database.insert(into: "model_versions").columns(ModelVersionRow.columns)
                .values(
                    SQLBind(name), SQLBind(version), SQLBind(now), SQLBind(now), SQLBind(description), SQLBind(userID),
                    SQLBind(ModelStage.none.rawValue), SQLBind(source), SQLBind(resolved.storageLocation),
                    SQLBind(resolved.runID), SQLBind(runLink), SQLBind(resolved.modelID), SQLBind("READY"), SQLBind(String?.none)
                ).run()
            for tag in tags {
                try await Self.upsertTag("model_version_tags", [("name", name), ("version", version)], tag, in: database)
            }
            try await Self.record(.versionCreated, model: name, version: version, detail: ["source": source], in: database)
            return try await Self.loadVersion(name, version, in: database)
        }
    }

    /// One version, with its tags and aliases.
    public func modelVersion(name: String, version: Int64) async throws -> ModelVersion {
        try await store.read { database in try await Self.loadVersion(name, version, in: database) }
    }

    /// Where the client downloads a version's files from.
    public func downloadURI(name: String, version: Int64) async throws -> String {
        try await store.read { database in try await Self.requireVersionRow(name, version, in: database).storageLocation }
    }

    /// Changes a version's description.
    public func updateModelVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion {
        try await store.write { database in
            _ = try await Self.requireVersionRow(name, version, in: database)
            let now = Timestamp.nowMillis()
            try await database.update("model_versions")
                .set("description", to: SQLBind(description)).set("last_updated_timestamp", to: SQLBind(now))
                .where("name", .equal, SQLBind(name)).where("version", .equal, SQLBind(version)).run()
            return try await Self.loadVersion(name, version, in: database)
        }
    }

    /// Moves a version to a stage; with `archiveExisting`, others in Staging/Production go to Archived.
    public func transitionStage(name: String, version: Int64, stage stageName: String, archiveExisting: Bool) async throws -> ModelVersion {
        guard let stage = ModelStage(caseInsensitive: stageName) else {
            throw KeelError.invalidParameter("Invalid Model Version stage: \(stageName). Value must be one of None, Staging, Production, Archived.")
        }
        return try await store.write { database in
            let row = try await Self.requireVersionRow(name, version, in: database)
            let now = Timestamp.nowMillis()
            if archiveExisting && (stage == .staging || stage == .production) {
                try await database.update("model_versions")
                    .set("current_stage", to: SQLBind(ModelStage.archived.rawValue)).set("last_updated_timestamp", to: SQLBind(now))
                    .where("name", .equal, SQLBind(name)).where("current_stage", .equal, SQLBind(stage.rawValue))
                    .where("version", .notEqual, SQLBind(version)).run()
            }
            try await database.update("model_versions")
                .set("current_stage", to: SQLBind(stage.rawValue)).set("last_updated_timestamp", to: SQLBind(now))
                .where("name", .equal, SQLBind(name)).where("version", .equal, SQLBind(version)).run()
            try await Self.touchModel(name, at: now, in: database)
            try await Self.record(
                .stageChanged, model: name, version: version,
                detail: ["from": row.currentStage, "to": stage.rawValue, "archive_existing": String(archiveExisting)], in: database
            )
            return try await Self.loadVersion(name, version, in: database)
        }
    }

    /// Deletes a version; its number is never reused, and aliases pointing at it go away.
    public func deleteModelVersion(name: String, version: Int64) async throws {
        try await store.write { database in
            _ = try await Self.requireVersionRow(name, version, in: database)
            let now = Timestamp.nowMillis()
            try await database.update("model_versions")
                .set("current_stage", to: SQLBind(ModelStage.deletedInternal)).set("last_updated_timestamp", to: SQLBind(now))
                .where("name", .equal, SQLBind(name)).where("version", .equal, SQLBind(version)).run()
            try await database.delete(from: "model_version_tags")
                .where("name", .equal, SQLBind(name)).where("version", .equal, SQLBind(version)).run()
            try await database.delete(from: "registered_model_aliases")
                .where("name", .equal, SQLBind(name)).where("version", .equal, SQLBind(version)).run()
            try await Self.touchModel(name, at: now, in: database)
            try await Self.record(.versionDeleted, model: name, version: version, in: database)
        }
    }

    /// Sets (or replaces) a tag on a version.
    public func setModelVersionTag(name: String, version: Int64, tag: KeyValue) async throws {
        try Self.validateTag(tag)
        try await store.write { database in
            _ = try await Self.requireVersionRow(name, version, in: database)
            try await Self.upsertTag("model_version_tags", [("name", name), ("version", version)], tag, in: database)
        }
    }

    /// Removes a tag from a version (an absent key is not an error, as in MLflow).
    public func deleteModelVersionTag(name: String, version: Int64, key: String) async throws {
        try await store.write { database in
            _ = try await Self.requireVersionRow(name, version, in: database)
            try await database.delete(from: "model_version_tags").where("name", .equal, SQLBind(name))
                .where("version", .equal, SQLBind(version)).where("key", .equal, SQLBind(key)).run()
        }
    }

    static func loadVersion(_ name: String, _ version: Int64, in database: any SQLDatabase) async throws -> ModelVersion {
        let row = try await requireVersionRow(name, version, in: database)
        return try await RegistryLoader.versions([row], in: database)[0]
    }
}
