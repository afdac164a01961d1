import Foundation
import KeelCore
import SQLKit

extension TrackingService {
    /// Creates an experiment and returns its id.
    ///
    /// Names are unique among all experiments, deleted ones included (as in MLflow): a deleted
    /// experiment must be restored or renamed before its name is reused.
    public func createExperiment(name: String, artifactLocation: String?, tags: [KeyValue]) async throws -> Int64 {
        let name = try Self.validatedExperimentName(name)
        for tag in tags { try Self.validateExperimentTag(tag) }
        let now = Timestamp.nowMillis()
        return try await store.write { database in
            struct NewID: Decodable { let experimentId: Int64 }
            // ON CONFLICT makes concurrent creates of one name end in one winner and clean
            // RESOURCE_ALREADY_EXISTS answers, on PostgreSQL as on SQLite.
            guard let created = try await database.raw("""
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (\(bind: name), \(bind: artifactLocation ?? ""), 'active', \(bind: now), \(bind: now))
                ON CONFLICT (name) DO NOTHING
                RETURNING experiment_id
                """).first(decoding: NewID.self, keyDecodingStrategy: .convertFromSnakeCase)
            else {
                throw KeelError(.resourceAlreadyExists, "Experiment(name=\(name)) already exists.")
            }
            if artifactLocation?.isEmpty ?? true {
                try await database.update("experiments")
                    .set("artifact_location", to: SQLBind("mlflow-artifacts:/\(created.experimentId)"))
                    .where("experiment_id", .equal, SQLBind(created.experimentId))
                    .run()
            }
            for tag in Self.lastValuePerKey(tags) {
                try await Self.upsertExperimentTag(created.experimentId, tag, in: database)
            }
            return created.experimentId
        }
    }

    /// The experiment with this id, deleted or not.
    public func experiment(id: Int64) async throws -> Experiment {
        try await store.read { database in
            let row = try await Self.requireExperiment(id, in: database)
            return row.experiment(tags: try await Self.experimentTags([id], in: database)[id] ?? [])
        }
    }

    /// The experiment with this name, deleted or not.
    public func experiment(named name: String) async throws -> Experiment {
        try await store.read { database in
            guard let row = try await Self.experimentRow(named: name, in: database) else {
                throw KeelError.notFound("Could not find experiment with name '\(name)'")
            }
            return row.experiment(tags: try await Self.experimentTags([row.experimentId], in: database)[row.experimentId] ?? [])
        }
    }

    /// Renames an active experiment; the new name must be free.
    public func renameExperiment(id: Int64, newName: String) async throws {
        let newName = try Self.validatedExperimentName(newName)
        try await store.write { database in
            let row = try await Self.requireExperiment(id, in: database)
            guard row.lifecycleStage == LifecycleStage.active.rawValue else {
                throw KeelError.invalidParameter("Cannot rename a non-active experiment.")
            }
            if let other = try await Self.experimentRow(named: newName, in: database), other.experimentId != id {
                throw KeelError(.badRequest, "Experiment(name=\(newName)) already exists.")
            }
            try await database.update("experiments")
                .set("name", to: SQLBind(newName))
                .set("last_update_time", to: SQLBind(Timestamp.nowMillis()))
                .where("experiment_id", .equal, SQLBind(id))
                .run()
        }
    }

    /// Moves an experiment and its runs to the trash, or back.
    public func setExperimentLifecycle(id: Int64, to stage: LifecycleStage) async throws {
        try await store.write { database in
            let row = try await Self.requireExperiment(id, in: database)
            if stage == .deleted && id == 0 {
                throw KeelError.invalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.")
            }
            if stage == .active && row.lifecycleStage == LifecycleStage.active.rawValue {
                throw KeelError.invalidParameter("Cannot restore an experiment that is not deleted (id=\(id)).")
            }
            let now = Timestamp.nowMillis()
            try await database.update("experiments")
                .set("lifecycle_stage", to: SQLBind(stage.rawValue))
                .set("last_update_time", to: SQLBind(now))
                .where("experiment_id", .equal, SQLBind(id))
                .run()
            let deletedTime: Int64? = stage == .deleted ? now : nil
            try await database.update("runs")
                .set("lifecycle_stage", to: SQLBind(stage.rawValue))
                .set("deleted_time", to: SQLBind(deletedTime))
                .where("experiment_id", .equal, SQLBind(id))
                .run()
        }
    }

    /// Sets (or replaces) a tag on an experiment.
    public func setExperimentTag(id: Int64, tag: KeyValue) async throws {
        try Self.validateExperimentTag(tag)
        try await store.write { database in
            let row = try await Self.requireExperiment(id, in: database)
            guard row.lifecycleStage == LifecycleStage.active.rawValue else {
                throw KeelError.invalidParameter("The experiment \(id) must be in the 'active' state. Current state is \(row.lifecycleStage).")
            }
            try await Self.upsertExperimentTag(id, tag, in: database)
        }
    }

    /// Removes a tag from an experiment; an unknown key is RESOURCE_DOES_NOT_EXIST.
    public func deleteExperimentTag(id: Int64, key: String) async throws {
        try await store.write { database in
            _ = try await Self.requireExperiment(id, in: database)
            let existing = try await database.select().column("key").from("experiment_tags")
                .where("experiment_id", .equal, SQLBind(id)).where("key", .equal, SQLBind(key)).first()
            guard existing != nil else {
                throw KeelError.notFound("No tag with name: \(key) in experiment with id \(id)")
            }
            try await database.delete(from: "experiment_tags")
                .where("experiment_id", .equal, SQLBind(id)).where("key", .equal, SQLBind(key)).run()
        }
    }

    // MARK: - Helpers

    static func validatedExperimentName(_ name: String) throws(KeelError) -> String {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidParameter("Invalid experiment name: ''. An experiment name must be a non-empty string.")
        }
        guard name.count <= ValueLimits.experimentName else {
            throw .invalidParameter("Experiment name exceeds the maximum length of \(ValueLimits.experimentName) characters.")
        }
        return name
    }

    static func validateExperimentTag(_ tag: KeyValue) throws(KeelError) {
        guard !tag.key.isEmpty, tag.key.count <= ValueLimits.experimentTagKey else {
            throw .invalidParameter("Experiment tag key must be 1 to \(ValueLimits.experimentTagKey) characters.")
        }
        guard tag.value.count <= ValueLimits.experimentTagValue else {
            throw .invalidParameter("Experiment tag value exceeds the maximum length of \(ValueLimits.experimentTagValue) characters.")
        }
    }

    static func experimentRow(named name: String, in database: any SQLDatabase) async throws -> ExperimentRow? {
        try await database.select().columns(ExperimentRow.columns).from("experiments")
            .where("name", .equal, SQLBind(name))
            .first(decoding: ExperimentRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func experimentTags(_ ids: [Int64], in database: any SQLDatabase) async throws -> [Int64: [KeyValue]] {
        guard !ids.isEmpty else { return [:] }
        struct TagRow: Decodable { let experimentId: Int64; let key: String; let value: String }
        let rows = try await database.raw("""
            SELECT experiment_id, key, value FROM experiment_tags
            WHERE experiment_id IN \(SQLBind.group(ids)) ORDER BY key
            """).all(decoding: TagRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(grouping: rows, by: \.experimentId).mapValues { $0.map { KeyValue(key: $0.key, value: $0.value) } }
    }

    static func upsertExperimentTag(_ id: Int64, _ tag: KeyValue, in database: any SQLDatabase) async throws {
        try await database.raw("""
            INSERT INTO experiment_tags (experiment_id, key, value) VALUES (\(bind: id), \(bind: tag.key), \(bind: tag.value))
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
            """).run()
    }

    /// Keeps the last value given for each key, in first-seen key order (later writes win, as in MLflow).
    static func lastValuePerKey(_ pairs: [KeyValue]) -> [KeyValue] {
        var order: [String] = []
        var values: [String: String] = [:]
        for pair in pairs {
            if values.updateValue(pair.value, forKey: pair.key) == nil { order.append(pair.key) }
        }
        return order.map { KeyValue(key: $0, value: values[$0] ?? "") }
    }
}
