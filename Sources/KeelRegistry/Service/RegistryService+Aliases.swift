import KeelCore
import KeelTracking
import SQLKit

extension RegistryService {
    /// Points `alias` at `version`, moving it if it pointed elsewhere.
    ///
    /// An alias listed in the model's `keel.protected_aliases` tag (say `champion`) moves only
    /// with a reason for the data the version was trained and evaluated on: `justification`, or
    /// the version's `keel.data_justification` tag set beforehand (the only way the mlflow client,
    /// which has no such field, can give one). A given justification is stored in that tag, so
    /// the model card shows why that data was used.
    public func setAlias(name: String, alias: String, version: Int64, justification: String? = nil) async throws {
        try Self.validateAlias(alias)
        let reason = justification?.trimmingCharacters(in: .whitespacesAndNewlines)
        try await store.write { database in
            _ = try await Self.requireModelRow(name, in: database)
            _ = try await Self.requireVersionRow(name, version, in: database)
            if let reason, !reason.isEmpty {
                let tag = KeyValue(key: Self.dataJustificationTag, value: reason)
                try Self.validateTag(tag)
                try await Self.upsertTag("model_version_tags", [("name", name), ("version", version)], tag, in: database)
            } else if try await Self.protectedAliases(of: name, in: database).contains(alias),
                      try await Self.tagValue("model_version_tags", name: name, version: version, key: Self.dataJustificationTag, in: database)?
                          .trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true {
                throw KeelError.invalidParameter("""
                    Alias '\(alias)' of '\(name)' is protected: moving it needs a justification of why version \(version)'s \
                    training and evaluation data were used. Pass `justification` (keel models alias \(name) \(alias) \(version) \
                    --justification "..."), or set the version tag \(Self.dataJustificationTag) first.
                    """)
            }
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
            if let reason, !reason.isEmpty { detail["justification"] = reason }
            try await Self.record(.aliasSet, model: name, version: version, detail: detail, in: database)
        }
    }

    /// The registered-model tag listing aliases that need a justification to move (comma-separated).
    public static let protectedAliasesTag = "keel.protected_aliases"
    /// The model-version tag holding why the version's data was used.
    public static let dataJustificationTag = "keel.data_justification"

    static func protectedAliases(of name: String, in database: any SQLDatabase) async throws -> Set<String> {
        guard let list = try await tagValue("registered_model_tags", name: name, version: nil, key: protectedAliasesTag, in: database) else { return [] }
        return Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    static func tagValue(_ table: String, name: String, version: Int64?, key: String, in database: any SQLDatabase) async throws -> String? {
        struct Row: Decodable { let value: String }
        let query = database.select().column("value").from(table).where("name", .equal, SQLBind(name)).where("key", .equal, SQLBind(key))
        if let version { query.where("version", .equal, SQLBind(version)) }
        return try await query.first(decoding: Row.self)?.value
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
        if let row = try await database.raw("""
            SELECT name, alias, version FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)
            """).first(decoding: AliasRow.self) {
            return try await requireVersionRow(name, row.version, in: database)
        }
        // `latest` is reserved (validateAlias refuses it) and always means the newest version,
        // as MLflow's server resolves it (`load_prompt("prompts:/name@latest")`).
        struct Newest: Decodable { let newest: Int64? }
        if alias.lowercased() == "latest",
           let newest = try await database.raw("SELECT MAX(version) AS newest FROM model_versions WHERE name = \(bind: name)")
               .first(decoding: Newest.self)?.newest {
            return try await requireVersionRow(name, newest, in: database)
        }
        throw KeelError.invalidParameter("Registered model alias \(alias) not found.")
    }

    /// One model's registry events, oldest first (the newest `limit` of them).
    public func events(model name: String, limit: Int = 1000) async throws -> [RegistryEvent] {
        try await store.read { database in
            try await database.raw("""
                SELECT event_id, kind, model_name, version, detail, created_at FROM registry_events
                WHERE model_name = \(bind: name) ORDER BY event_id DESC LIMIT \(bind: max(1, min(limit, 10_000)))
                """).all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase).reversed().map(\.event)
        }
    }

    /// Registry events after `cursor` (exclusive), oldest first: the subscription seam.
    public func events(after cursor: Int64, limit: Int = 1000) async throws -> [RegistryEvent] {
        try await store.read { database in
            try await database.raw("""
                SELECT event_id, kind, model_name, version, detail, created_at FROM registry_events
                WHERE event_id > \(bind: cursor) ORDER BY event_id LIMIT \(bind: max(1, min(limit, 10_000)))
                """).all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.event)
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

/// A `registry_events` row.
private struct EventRow: Decodable {
    let eventId: Int64
    let kind: String
    let modelName: String
    let version: Int64?
    let detail: String
    let createdAt: Int64

    var event: RegistryEvent {
        RegistryEvent(id: eventId, kind: RegistryEvent.Kind(rawValue: kind), modelName: modelName, version: version, detail: detail, createdAt: createdAt)
    }
}
