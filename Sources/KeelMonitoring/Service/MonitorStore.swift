import Foundation
import KeelCore
import KeelStore
import SQLKit

/// A deployment's row in `monitors`: its settings and where its reference is.
struct MonitorRecord: Sendable {
    var deployment: String
    var settings: MonitorSettings
    var reference: StoredReference?
    var updatedAt: Int64
}

/// A stored reference: its file in the artifact store and its profile.
struct StoredReference: Sendable {
    /// Path inside the artifact store.
    var path: String
    /// `csv` or `jsonl`.
    var format: String
    /// `upload`, or `lineage:<dataset name>@<digest>`.
    var source: String
    var profile: ReferenceProfile
    /// When this reference was stored (epoch ms).
    var createdAt: Int64 = 0
}

/// The `monitors` table.
struct MonitorStore: Sendable {
    let store: any MetadataStore

    private struct Row: Decodable {
        let deployment: String
        let settings: String
        let referencePath: String?
        let referenceFormat: String?
        let referenceSource: String?
        let referenceProfile: String?
        let referenceCreatedAt: Int64?
        let updatedAt: Int64
    }

    /// The monitor of `deployment`, or nil when nothing was configured for it yet.
    func get(_ deployment: String) async throws -> MonitorRecord? {
        let row = try await store.read { database in
            try await database.select()
                .columns("deployment", "settings", "reference_path", "reference_format", "reference_source", "reference_profile",
                         "reference_created_at", "updated_at")
                .from("monitors").where("deployment", .equal, deployment)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let row else { return nil }
        let decoder = JSONDecoder()
        let settings = try decoder.decode(MonitorSettings.self, from: Data(row.settings.utf8))
        var reference: StoredReference?
        if let path = row.referencePath, let format = row.referenceFormat, let source = row.referenceSource,
            let profileText = row.referenceProfile
        {
            let profile = try decoder.decode(ReferenceProfile.self, from: Data(profileText.utf8))
            reference = StoredReference(path: path, format: format, source: source, profile: profile, createdAt: row.referenceCreatedAt ?? row.updatedAt)
        }
        return MonitorRecord(deployment: row.deployment, settings: settings, reference: reference, updatedAt: row.updatedAt)
    }

    /// Stores new settings, keeping the reference.
    func saveSettings(_ settings: MonitorSettings, deployment: String) async throws {
        let text = try Self.json(settings)
        let now = Timestamp.nowMillis()
        try await store.write { database in
            if try await Self.exists(deployment, in: database) {
                try await database.update("monitors").set("settings", to: text).set("updated_at", to: now)
                    .where("deployment", .equal, deployment).run()
            } else {
                try await database.insert(into: "monitors").columns("deployment", "settings", "updated_at")
                    .values(SQLBind(deployment), SQLBind(text), SQLBind(now)).run()
            }
        }
    }

    /// Points the monitor at a new reference, keeping the settings.
    func saveReference(_ reference: StoredReference, deployment: String) async throws {
        let profile = try Self.json(reference.profile)
        let settings = try Self.json(MonitorSettings())
        let now = Timestamp.nowMillis()
        try await store.write { database in
            if !(try await Self.exists(deployment, in: database)) {
                try await database.insert(into: "monitors").columns("deployment", "settings", "updated_at")
                    .values(SQLBind(deployment), SQLBind(settings), SQLBind(now)).run()
            }
            try await database.update("monitors")
                .set("reference_path", to: reference.path).set("reference_format", to: reference.format)
                .set("reference_source", to: reference.source).set("reference_profile", to: profile)
                .set("reference_rows", to: reference.profile.rows).set("reference_created_at", to: now).set("updated_at", to: now)
                .where("deployment", .equal, deployment).run()
        }
    }

    private static func exists(_ deployment: String, in database: any SQLDatabase) async throws -> Bool {
        try await database.select().column("deployment").from("monitors").where("deployment", .equal, deployment).first() != nil
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
