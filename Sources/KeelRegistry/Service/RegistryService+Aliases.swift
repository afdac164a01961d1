import KeelCore
import KeelTracking
import SQLKit

extension RegistryService {
    /// Points `alias` at `version`, moving it if it pointed elsewhere.
    public func setAlias(name: String, alias: String, version: Int64) async throws {
        try Self.validateAlias(alias)
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            _ = try await Self.requireVersionRow(name, version, in: database)
            let previous = try await database.raw("""
                SELECT name, alias, version FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)
                """).first(decoding: AliasRow.self)
            try await database.raw("""
                INSERT INTO registered_model_aliases (name, alias, version) VALUES (\(bind: name), \(bind: alias), \(bind: version))
                ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version
                """).run()
            try await Self.touchModel(name, at: Timestamp.nowMillis(), in: database)
            var detail = ["alias": alias]
            if let previous { detail["previous_version"] = String(previous.version) }
            try await Self.record(.aliasSet, model: name, version: version, detail: detail, in: database)
        }
    }

    /// Removes an alias; removing one that does not exist is not an error (as in MLflow).
    public func deleteAlias(name: String, alias: String) async throws {
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            let previous = try await database.raw("""
                SELECT name, alias, version FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)
                """).first(decoding: AliasRow.self)
            guard let previous else { return }
            try await database.delete(from: "registered_model_aliases")
                .where("name", .equal, SQLBind(name)).where("alias", .equal, SQLBind(alias)).run()
            try await Self.record(.aliasDeleted, model: name, version: previous.version, detail: ["alias": alias], in: database)
        }
    }

    /// The version an alias points at; an unknown alias is INVALID_PARAMETER_VALUE, as MLflow answers.
    public func version(name: String, alias: String) async throws -> ModelVersion {
        try await store.read { database in
            let row = try await Self.aliasedVersionRow(name, alias, in: database)
            return try await RegistryLoader.versions([row], in: database)[0]
        }
    }

    static func aliasedVersionRow(_ name: String, _ alias: String, in database: any SQLDatabase) async throws -> ModelVersionRow {
        _ = try await requireModelRow(name, in: database)
        guard let row = try await database.raw("""
            SELECT name, alias, version FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)
            """).first(decoding: AliasRow.self)
        else {
            throw KeelError.invalidParameter("Registered model alias \(alias) not found.")
        }
        return try await requireVersionRow(name, row.version, in: database)
    }

    /// Registry events after `cursor` (exclusive), oldest first: the subscription seam.
    public func events(after cursor: Int64, limit: Int = 1000) async throws -> [RegistryEvent] {
        struct EventRow: Decodable {
            let eventId: Int64
            let kind: String
            let modelName: String
            let version: Int64?
            let detail: String
            let createdAt: Int64
        }
        return try await store.read { database in
            try await database.raw("""
                SELECT event_id, kind, model_name, version, detail, created_at FROM registry_events
                WHERE event_id > \(bind: cursor) ORDER BY event_id LIMIT \(bind: max(1, min(limit, 10_000)))
                """).all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase).map {
                RegistryEvent(
                    id: $0.eventId, kind: RegistryEvent.Kind(rawValue: $0.kind), modelName: $0.modelName,
                    version: $0.version, detail: $0.detail, createdAt: $0.createdAt
                )
            }
        }
    }
}

extension RegistryService {
    /// The id of the newest registry event (0 when there is none): where a new follower starts.
    public func latestEventID() async throws -> Int64 {
        try await store.read { database in
            try await database.raw("SELECT COALESCE(MAX(event_id), 0) AS latest FROM registry_events")
                .first()?.decode(column: "latest", as: Int64.self) ?? 0
        }
    }
}
