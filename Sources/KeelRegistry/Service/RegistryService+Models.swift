import KeelCore
public import KeelTracking
import SQLKit

extension RegistryService {
    /// Registers a new model name.
    public func createRegisteredModel(name: String, tags: [KeyValue], description: String?, userID: String? = nil) async throws -> RegisteredModel {
        try Self.validateName(name)
        for tag in tags { try Self.validateTag(tag) }
        let now = Timestamp.nowMillis()
        return try await store.write { database in
            struct Created: Decodable { let name: String }
            let created = try await database.raw("""
                INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, user_id)
                VALUES (\(bind: name), \(bind: now), \(bind: now), \(bind: description), \(bind: userID))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """).first(decoding: Created.self)
            if created == nil {
                throw KeelError(.resourceAlreadyExists, "Registered Model (name=\(name)) already exists.")
            }
            for tag in tags { try await Self.upsertTag("registered_model_tags", [("name", name)], tag, in: database) }
            try await Self.record(.modelCreated, model: name, in: database)
            return try await Self.loadModel(name, in: database)
        }
    }

    /// The registered model with this name, with its latest versions, tags and aliases.
    public func registeredModel(name: String) async throws -> RegisteredModel {
        try await store.read { database in try await Self.loadModel(name, in: database) }
    }

    /// Renames a model; its versions, tags and aliases follow.
    public func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel {
        try Self.validateName(newName)
        return try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            if newName != name {
                let taken = try await database.select().column("name").from("registered_models")
                    .where("name", .equal, SQLBind(newName)).first()
                if taken != nil { throw KeelError(.resourceAlreadyExists, "Registered Model (name=\(newName)) already exists.") }
                for table in ["registered_models", "registered_model_tags", "model_versions", "model_version_tags", "registered_model_aliases"] {
                    try await database.update(table).set("name", to: SQLBind(newName)).where("name", .equal, SQLBind(name)).run()
                }
                try await Self.touchModel(newName, at: Timestamp.nowMillis(), in: database)
                try await Self.record(.modelRenamed, model: newName, detail: ["previous_name": name], in: database)
            }
            return try await Self.loadModel(newName, in: database)
        }
    }

    /// Changes a model's description.
    public func updateRegisteredModel(name: String, description: String?) async throws -> RegisteredModel {
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            try await database.update("registered_models")
                .set("description", to: SQLBind(description))
                .set("last_updated_timestamp", to: SQLBind(Timestamp.nowMillis()))
                .where("name", .equal, SQLBind(name)).run()
            return try await Self.loadModel(name, in: database)
        }
    }

    /// Deletes a model with all its versions, tags and aliases.
    public func deleteRegisteredModel(name: String) async throws {
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            for table in ["registered_model_tags", "model_version_tags", "registered_model_aliases", "model_versions", "registered_models"] {
                try await database.delete(from: table).where("name", .equal, SQLBind(name)).run()
            }
            try await Self.record(.modelDeleted, model: name, in: database)
        }
    }

    /// Sets (or replaces) a tag on a registered model.
    public func setRegisteredModelTag(name: String, tag: KeyValue) async throws {
        try Self.validateTag(tag)
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            try await Self.upsertTag("registered_model_tags", [("name", name)], tag, in: database)
        }
    }

    /// Removes a tag from a registered model (an absent key is not an error, as in MLflow).
    public func deleteRegisteredModelTag(name: String, key: String) async throws {
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            try await database.delete(from: "registered_model_tags")
                .where("name", .equal, SQLBind(name)).where("key", .equal, SQLBind(key)).run()
        }
    }

    /// The newest version in each of `stages` (every stage when empty).
    public func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion] {
        let wanted = try stages.map { name throws(KeelError) -> ModelStage in
            guard let stage = ModelStage(caseInsensitive: name) else {
                throw .invalidParameter("Invalid Model Version stage: \(name). Value must be one of None, Staging, Production, Archived.")
            }
            return stage
        }
        return try await store.read { database in
            let model = try await Self.loadModel(name, in: database)
            guard !wanted.isEmpty else { return model.latestVersions }
            return model.latestVersions.filter { wanted.contains($0.currentStage) }
        }
    }

    static func loadModel(_ name: String, in database: any SQLDatabase) async throws -> RegisteredModel {
        let row = try await requireModelRow(name, in: database)
        return try await RegistryLoader.models([row], in: database)[0]
    }
}
