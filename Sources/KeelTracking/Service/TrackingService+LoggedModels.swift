import KeelCore
import SQLKit

extension TrackingService {
    /// Creates a logged model in PENDING state; the client uploads its files, then finalizes it.
    public func createLoggedModel(
        experimentID: Int64, name: String?, modelType: String?, sourceRunID: String?,
        params: [KeyValue], tags: [KeyValue]
    ) async throws -> LoggedModel {
        let modelID = "m-" + Identifiers.newHexID()
        let name = name.flatMap { $0.isEmpty ? nil : $0 } ?? RunNameGenerator.make()
        for pair in params + tags { try EntityKey.validate(pair.key, kind: "logged model param or tag") }
        let now = Timestamp.nowMillis()
        return try await store.write { database in
            let experiment = try await Self.requireExperiment(experimentID, in: database)
            guard experiment.lifecycleStage == LifecycleStage.active.rawValue else {
                throw KeelError.invalidParameter("The experiment \(experimentID) must be in the 'active' state.")
            }
            if let sourceRunID {
                let run = try await Self.requireRun(sourceRunID, in: database)
                guard run.experimentId == experimentID else {
                    throw KeelError.invalidParameter("Run \(sourceRunID) belongs to experiment \(run.experimentId), not \(experimentID).")
                }
            }
            let location = "\(experiment.artifactLocation)/models/\(modelID)/artifacts"
            try await database.insert(into: "logged_models")
                .columns(LoggedModelRow.columns)
                .values(
                    SQLBind(modelID), SQLBind(experimentID), SQLBind(name), SQLBind(location), SQLBind(now), SQLBind(now),
                    SQLBind(LoggedModelStatus.pending.rawValue), SQLBind(LifecycleStage.active.rawValue),
                    SQLBind(modelType), SQLBind(sourceRunID), SQLBind(String?.none)
                )
                .run()
            try await Self.upsertModelKeyValues("logged_model_params", modelID, Self.lastValuePerKey(params), in: database)
            try await Self.upsertModelKeyValues("logged_model_tags", modelID, Self.lastValuePerKey(tags), in: database)
            return try await Self.loadLoggedModel(modelID, allowDeleted: false, in: database)
        }
    }

    /// The logged model with this id; deleted ones only when `allowDeleted`.
    public func loggedModel(id: String, allowDeleted: Bool = false) async throws -> LoggedModel {
        try await store.read { database in try await Self.loadLoggedModel(id, allowDeleted: allowDeleted, in: database) }
    }

    /// Marks the upload finished (READY) or failed.
    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        try await store.write { database in
            _ = try await Self.loadLoggedModel(id, allowDeleted: false, in: database)
            try await database.update("logged_models")
                .set("status", to: SQLBind(status.rawValue))
                .set("last_updated_timestamp_ms", to: SQLBind(Timestamp.nowMillis()))
                .where("model_id", .equal, SQLBind(id))
                .run()
            return try await Self.loadLoggedModel(id, allowDeleted: false, in: database)
        }
    }

    /// Moves a logged model to the trash.
    public func deleteLoggedModel(id: String) async throws {
        try await store.write { database in
            _ = try await Self.loadLoggedModel(id, allowDeleted: false, in: database)
            try await database.update("logged_models")
                .set("lifecycle_stage", to: SQLBind(LifecycleStage.deleted.rawValue))
                .set("last_updated_timestamp_ms", to: SQLBind(Timestamp.nowMillis()))
                .where("model_id", .equal, SQLBind(id))
                .run()
        }
    }

    /// Sets (or replaces) tags on a logged model.
    public func setLoggedModelTags(id: String, tags: [KeyValue]) async throws {
        for tag in tags { try EntityKey.validate(tag.key, kind: "tag") }
        try await store.write { database in
            _ = try await Self.loadLoggedModel(id, allowDeleted: false, in: database)
            try await Self.upsertModelKeyValues("logged_model_tags", id, Self.lastValuePerKey(tags), in: database)
        }
    }

    /// Removes a tag from a logged model; an unknown key is RESOURCE_DOES_NOT_EXIST.
    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await store.write { database in
            _ = try await Self.loadLoggedModel(id, allowDeleted: false, in: database)
            let existing = try await database.select().column("key").from("logged_model_tags")
                .where("model_id", .equal, SQLBind(id)).where("key", .equal, SQLBind(key)).first()
            guard existing != nil else { throw KeelError.notFound("No tag with key '\(key)' on logged model \(id).") }
            try await database.delete(from: "logged_model_tags")
                .where("model_id", .equal, SQLBind(id)).where("key", .equal, SQLBind(key)).run()
        }
    }

    /// Adds params to a logged model (the client sends them in batches of 100).
    public func logLoggedModelParams(id: String, params: [KeyValue]) async throws {
        for param in params { try EntityKey.validate(param.key, kind: "param") }
        try await store.write { database in
            _ = try await Self.loadLoggedModel(id, allowDeleted: false, in: database)
            try await Self.upsertModelKeyValues("logged_model_params", id, Self.lastValuePerKey(params), in: database)
        }
    }

    // MARK: - Helpers

    static func loadLoggedModel(_ id: String, allowDeleted: Bool, in database: any SQLDatabase) async throws -> LoggedModel {
        let row = try await database.select().columns(LoggedModelRow.columns).from("logged_models")
            .where("model_id", .equal, SQLBind(id))
            .first(decoding: LoggedModelRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard let row, allowDeleted || row.lifecycleStage == LifecycleStage.active.rawValue else {
            throw KeelError.notFound("Logged model with ID '\(id)' not found.")
        }
        return try await LoggedModelLoader.assemble([row], in: database)[0]
    }

    static func upsertModelKeyValues(_ table: String, _ modelID: String, _ pairs: [KeyValue], in database: any SQLDatabase) async throws {
        guard !pairs.isEmpty else { return }
        let rows = pairs.map { "(\(bind: modelID), \(bind: $0.key), \(bind: $0.value))" as SQLQueryString }
        try await database.raw("""
            INSERT INTO \(ident: table) (model_id, key, value) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value
            """).run()
    }
}

/// MLflow's default and largest logged-model page.
public enum LoggedModelSearchLimits {
    /// Models per page when the client does not say.
    public static let defaultResults = 100
    /// The most models one page may hold.
    public static let maxResults = 50_000
}

extension TrackingService {
    /// Logged models in the given experiments matching a filter, ordered and paged.
    public func searchLoggedModels(
        experimentIDs: [Int64], filter: String?, datasets: [LoggedModelDatasetFilter],
        maxResults: Int?, orderBy: [LoggedModelOrder], pageToken: String?
    ) async throws -> (models: [LoggedModel], nextPageToken: String?) {
        let limit = maxResults ?? LoggedModelSearchLimits.defaultResults
        guard limit >= 1, limit <= LoggedModelSearchLimits.maxResults else {
            throw KeelError.invalidParameter("max_results must be between 1 and \(LoggedModelSearchLimits.maxResults), got \(limit).")
        }
        if datasets.contains(where: { $0.name.isEmpty }) {
            throw KeelError.invalidParameter("`dataset_name` in the `datasets` clause must be specified.")
        }
        let offset = try PageToken(decoding: pageToken).offset
        let query = LoggedModelSearchQuery(
            experimentIDs: experimentIDs, filter: try SearchFilter.parseLoggedModels(filter), datasets: datasets, order: orderBy
        )
        guard !experimentIDs.isEmpty else { return ([], nil) }
        let statement = try query.statement(limit: limit + 1, offset: offset)
        return try await store.read { database in
            var rows = try await database.raw(statement)
                .all(decoding: LoggedModelRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            let next = PageToken.trim(&rows, limit: limit, offset: offset)
            return (try await LoggedModelLoader.assemble(rows, in: database), next)
        }
    }
}
