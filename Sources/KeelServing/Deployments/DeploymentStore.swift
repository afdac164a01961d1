import Foundation
import KeelCore
import KeelStore
import SQLKit

/// Deployments and their events in the metadata store.
struct DeploymentStore: Sendable {
    let store: any MetadataStore

    private struct Row: Decodable {
        let name: String
        let modelName: String
        let alias: String?
        let primaryVersion: Int64
        let followAlias: Int64
        let traffic: String
        let workers: Int64
        let maxBatchSize: Int64
        let maxBatchWaitMs: Int64
        let createdAt: Int64
        let updatedAt: Int64
        let sensitiveColumns: String?

        func deployment() throws -> Deployment {
            Deployment(
                name: name, modelName: modelName, alias: alias, primaryVersion: primaryVersion, followAlias: followAlias != 0,
                traffic: try TrafficPolicy.fromJSONText(traffic),
                runtime: RuntimeConfiguration(
                    workers: Int(workers), maxBatchSize: Int(maxBatchSize), maxBatchWaitMilliseconds: Int(maxBatchWaitMs)
                ),
                createdAt: createdAt, updatedAt: updatedAt,
                sensitiveColumns: try sensitiveColumns.map { try JSONDecoder().decode(SensitiveColumns.self, from: Data($0.utf8)) }
            )
        }
    }

    private static let columns = [
        "name", "model_name", "alias", "primary_version", "follow_alias", "traffic", "workers", "max_batch_size",
        "max_batch_wait_ms", "created_at", "updated_at", "sensitive_columns",
    ]

    /// Every deployment, by name.
    func all() async throws -> [Deployment] {
        try await store.read { database in
            try await database.select().columns(Self.columns.map { SQLColumn($0) }).from("deployments").orderBy("name")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map { try $0.deployment() }
    }

    /// One deployment, or RESOURCE_DOES_NOT_EXIST.
    func get(_ name: String) async throws -> Deployment {
        let row = try await store.read { database in
            try await database.select().columns(Self.columns.map { SQLColumn($0) }).from("deployments").where("name", .equal, name)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let row else { throw KeelError.notFound("Deployment '\(name)' not found.") }
        return try row.deployment()
    }

    /// Inserts a new deployment and its `created` event; RESOURCE_ALREADY_EXISTS if the name is taken.
    func insert(_ deployment: Deployment) async throws {
        try await store.write { database in
            let existing = try await database.select().column("name").from("deployments").where("name", .equal, deployment.name).first()
            guard existing == nil else {
                throw KeelError(.resourceAlreadyExists, "Deployment '\(deployment.name)' already exists.")
            }
            try await database.insert(into: "deployments").columns(Self.columns).values(Self.values(deployment)).run()
            try await Self.appendEvent(
                database, deployment: deployment.name, kind: "created", version: deployment.primaryVersion,
                detail: deployment.traffic.jsonText(), at: deployment.createdAt
            )
        }
    }

    /// Replaces a deployment, recording an event; `change` sees the stored row inside the transaction.
    ///
    /// Returns the updated deployment, or nil when `change` decided nothing changes.
    func update(
        _ name: String,
        event: String,
        _ change: @escaping @Sendable (Deployment) throws -> Deployment?
    ) async throws -> Deployment? {
        try await store.write { database in
            guard let row = try await database.select().columns(Self.columns.map { SQLColumn($0) }).from("deployments")
                .where("name", .equal, name).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            else {
                throw KeelError.notFound("Deployment '\(name)' not found.")
            }
            guard var updated = try change(try row.deployment()) else { return nil }
            updated.updatedAt = Timestamp.nowMillis()
            try await database.delete(from: "deployments").where("name", .equal, name).run()
            try await database.insert(into: "deployments").columns(Self.columns).values(Self.values(updated)).run()
            try await Self.appendEvent(
                database, deployment: name, kind: event, version: updated.primaryVersion,
                detail: updated.traffic.jsonText(), at: updated.updatedAt
            )
            return updated
        }
    }

    /// Deletes a deployment (its events and inference log stay, for audit and monitoring).
    func delete(_ name: String) async throws {
        try await store.write { database in
            let existing = try await database.select().column("name").from("deployments").where("name", .equal, name).first()
            guard existing != nil else { throw KeelError.notFound("Deployment '\(name)' not found.") }
            try await database.delete(from: "deployments").where("name", .equal, name).run()
            try await Self.appendEvent(database, deployment: name, kind: "deleted", version: nil, detail: "{}", at: Timestamp.nowMillis())
        }
    }

    /// The deployment's history, oldest first.
    func events(_ name: String) async throws -> [DeploymentEvent] {
        struct EventRow: Decodable {
            let eventId: Int64
            let kind: String
            let version: Int64?
            let detail: String
            let createdAt: Int64
        }
        return try await store.read { database in
            try await database.select().columns("event_id", "kind", "version", "detail", "created_at").from("deployment_events")
                .where("deployment", .equal, name).orderBy("event_id").limit(10_000)
                .all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map { DeploymentEvent(id: $0.eventId, kind: $0.kind, version: $0.version, detail: $0.detail, createdAt: $0.createdAt) }
    }

    private static func values(_ deployment: Deployment) -> [any SQLExpression] {
        [
            SQLBind(deployment.name), SQLBind(deployment.modelName), SQLBind(deployment.alias), SQLBind(deployment.primaryVersion),
            SQLBind(Int64(deployment.followAlias ? 1 : 0)), SQLBind(deployment.traffic.jsonText()),
            SQLBind(Int64(deployment.runtime.workers)), SQLBind(Int64(deployment.runtime.maxBatchSize)),
            SQLBind(Int64(deployment.runtime.maxBatchWaitMilliseconds)), SQLBind(deployment.createdAt), SQLBind(deployment.updatedAt),
            SQLBind(deployment.sensitiveColumns.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }),
        ]
    }

    private static func appendEvent(
        _ database: any SQLDatabase, deployment: String, kind: String, version: Int64?, detail: String, at time: Int64
    ) async throws {
        try await database.insert(into: "deployment_events").columns("deployment", "kind", "version", "detail", "created_at")
            .values(SQLBind(deployment), SQLBind(kind), SQLBind(version), SQLBind(detail), SQLBind(time)).run()
    }
}

/// Something that happened to a deployment: created, traffic changed, alias followed, promoted…
public struct DeploymentEvent: Sendable, Hashable {
    /// Increasing id.
    public var id: Int64
    /// `created`, `updated`, `alias_followed`, `promoted`, `rolled_back`, `deleted`.
    public var kind: String
    /// The primary version after the event.
    public var version: Int64?
    /// The traffic policy after the event, as JSON.
    public var detail: String
    /// When, epoch milliseconds.
    public var createdAt: Int64
}
