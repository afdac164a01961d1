import Foundation
import KeelCore
import KeelStore
import SQLKit

/// The `pipelines`, `pipeline_runs` and `pipeline_run_events` tables.
struct PipelineStore: Sendable {
    let store: any MetadataStore

    private struct PipelineRow: Decodable {
        let name: String
        let directory: String
        let settings: String
        let nextScheduledAt: Int64?
        let alertCursor: Int64
        let datasetState: String
        let createdAt: Int64
        let updatedAt: Int64

        func pipeline() throws -> RegisteredPipeline {
            RegisteredPipeline(
                name: name, directory: directory, settings: try PipelineStore.decode(PipelineSettings.self, settings),
                nextScheduledAt: nextScheduledAt, createdAt: createdAt, updatedAt: updatedAt
            )
        }
    }

    private struct RunRow: Decodable {
        let runId: Int64
        let pipeline: String
        let status: String
        let triggerKind: String
        let triggerDetail: String
        let options: String
        let trackingRunId: String?
        let result: String?
        let message: String?
        let cancelRequested: Int64
        let createdAt: Int64
        let startedAt: Int64?
        let endedAt: Int64?

        func run() throws -> PipelineRunRecord {
            let options = try PipelineStore.decode(PipelineRunOptionsRecord.self, options)
            return PipelineRunRecord(
                id: runId, pipeline: pipeline, status: PipelineRunRecord.Status(rawValue: status) ?? .failed,
                trigger: PipelineRunRecord.Trigger(rawValue: triggerKind) ?? .rest, triggerDetail: triggerDetail,
                stages: options.stages, force: options.force, trackingRunID: trackingRunId,
                result: try result.map { try PipelineStore.decode(PipelineResult.self, $0) }, message: message,
                cancelRequested: cancelRequested != 0, createdAt: createdAt, startedAt: startedAt, endedAt: endedAt
            )
        }
    }

    private static let runColumns = [
        "run_id", "pipeline", "status", "trigger_kind", "trigger_detail", "options", "tracking_run_id", "result", "message",
        "cancel_requested", "created_at", "started_at", "ended_at",
    ]

    // MARK: - Pipelines

    func insert(_ pipeline: RegisteredPipeline, alertCursor: Int64) async throws {
        let settings = try Self.encode(pipeline.settings)
        try await store.write { database in
            let existing = try await database.select().column("name").from("pipelines").where("name", .equal, pipeline.name).all()
            guard existing.isEmpty else { throw KeelError(.resourceAlreadyExists, "Pipeline '\(pipeline.name)' already exists; update it or delete it first.") }
            try await database.insert(into: "pipelines")
                .columns("name", "directory", "settings", "next_scheduled_at", "alert_cursor", "dataset_state", "created_at", "updated_at")
                .values(
                    SQLBind(pipeline.name), SQLBind(pipeline.directory), SQLBind(settings), SQLBind(pipeline.nextScheduledAt),
                    SQLBind(alertCursor), SQLBind("{}"), SQLBind(pipeline.createdAt), SQLBind(pipeline.updatedAt)
                )
                .run()
        }
    }

    func update(_ pipeline: RegisteredPipeline) async throws {
        let settings = try Self.encode(pipeline.settings)
        try await store.write { database in
            try await database.update("pipelines").set("directory", to: pipeline.directory).set("settings", to: settings)
                .set("next_scheduled_at", to: SQLBind(pipeline.nextScheduledAt)).set("updated_at", to: pipeline.updatedAt)
                .where("name", .equal, pipeline.name).run()
        }
    }

    func pipeline(_ name: String) async throws -> RegisteredPipeline {
        guard let found = try await pipelineIfExists(name) else { throw KeelError.notFound("Pipeline '\(name)' not found.") }
        return found
    }

    func pipelineIfExists(_ name: String) async throws -> RegisteredPipeline? {
        try await store.read { database in
            try await database.select().column("*").from("pipelines").where("name", .equal, name)
                .first(decoding: PipelineRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }?.pipeline()
    }

    func pipelines() async throws -> [RegisteredPipeline] {
        try await store.read { database in
            try await database.select().column("*").from("pipelines").orderBy("name")
                .all(decoding: PipelineRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map { try $0.pipeline() }
    }

    /// Deletes a pipeline with its runs and their events; refused while a run is active.
    func delete(_ name: String) async throws {
        try await store.write { database in
            let active = try await database.select().column("run_id").from("pipeline_runs").where("pipeline", .equal, name)
                .where("status", .in, [PipelineRunRecord.Status.queued.rawValue, PipelineRunRecord.Status.running.rawValue]).all()
            guard active.isEmpty else {
                throw KeelError(.resourceConflict, "Pipeline '\(name)' has a queued or running run; cancel it first.")
            }
            let deleted = try await database.delete(from: "pipelines").where("name", .equal, name).returning("name").all()
            guard !deleted.isEmpty else { throw KeelError.notFound("Pipeline '\(name)' not found.") }
            try await database.raw("DELETE FROM pipeline_run_events WHERE run_id IN (SELECT run_id FROM pipeline_runs WHERE pipeline = \(bind: name))").run()
            try await database.delete(from: "pipeline_runs").where("pipeline", .equal, name).run()
        }
    }

    /// Moves the schedule from `expected` to `next`; false when another replica already did.
    func claimScheduleTick(_ name: String, expected: Int64, next: Int64?) async throws -> Bool {
        try await store.write { database in
            !(try await database.update("pipelines").set("next_scheduled_at", to: SQLBind(next))
                .where("name", .equal, name).where("next_scheduled_at", .equal, expected)
                .returning("name").all()).isEmpty
        }
    }

    /// The last alert event handled for each pipeline.
    func alertCursor(_ name: String) async throws -> Int64 {
        try await store.read { database in
            try await database.select().column("alert_cursor").from("pipelines").where("name", .equal, name)
                .first(decoding: [String: Int64].self)?["alert_cursor"] ?? 0
        }
    }

    /// Moves the alert cursor from `expected` to `next`; false when another replica already did.
    func claimAlerts(_ name: String, expected: Int64, next: Int64) async throws -> Bool {
        try await store.write { database in
            !(try await database.update("pipelines").set("alert_cursor", to: next)
                .where("name", .equal, name).where("alert_cursor", .equal, expected)
                .returning("name").all()).isEmpty
        }
    }

    /// The last seen content hash of each watched dataset path.
    func datasetState(_ name: String) async throws -> [String: String] {
        let text = try await store.read { database in
            try await database.select().column("dataset_state").from("pipelines").where("name", .equal, name)
                .first(decoding: [String: String].self)?["dataset_state"]
        }
        return (try? Self.decode([String: String].self, text ?? "{}")) ?? [:]
    }

    /// Replaces the dataset state if it still is `expected`; false when another replica moved it.
    func claimDatasetState(_ name: String, expected: [String: String], next: [String: String]) async throws -> Bool {
        let (old, new) = (try Self.encode(expected), try Self.encode(next))
        return try await store.write { database in
            !(try await database.update("pipelines").set("dataset_state", to: new)
                .where("name", .equal, name).where("dataset_state", .equal, old)
                .returning("name").all()).isEmpty
        }
    }

    // MARK: - Runs

    func enqueue(_ pipeline: String, trigger: PipelineRunRecord.Trigger, detail: String, stages: [String], force: Bool) async throws -> PipelineRunRecord {
        let options = try Self.encode(PipelineRunOptionsRecord(stages: stages, force: force))
        let now = Timestamp.nowMillis()
        let id = try await store.write { database in
            try await database.insert(into: "pipeline_runs")
                .columns("pipeline", "status", "trigger_kind", "trigger_detail", "options", "cancel_requested", "created_at")
                .values(
                    SQLBind(pipeline), SQLBind(PipelineRunRecord.Status.queued.rawValue), SQLBind(trigger.rawValue), SQLBind(detail),
                    SQLBind(options), SQLBind(Int64(0)), SQLBind(now)
                )
                .returning("run_id")
                .first(decoding: [String: Int64].self)?["run_id"]
        }
        guard let id else { throw KeelError(.internalError, "The new pipeline run got no id.") }
        return try await run(id)
    }

    func run(_ id: Int64) async throws -> PipelineRunRecord {
        let row = try await store.read { database in
            try await database.select().columns(Self.runColumns.map { SQLColumn($0) }).from("pipeline_runs").where("run_id", .equal, id)
                .first(decoding: RunRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let row else { throw KeelError.notFound("Pipeline run \(id) not found.") }
        return try row.run()
    }

    /// A pipeline's runs, newest first.
    func runs(pipeline: String?, statuses: [PipelineRunRecord.Status] = [], limit: Int, oldestFirst: Bool = false) async throws -> [PipelineRunRecord] {
        try await store.read { database in
            let query = database.select().columns(Self.runColumns.map { SQLColumn($0) }).from("pipeline_runs")
            if let pipeline { query.where("pipeline", .equal, pipeline) }
            if !statuses.isEmpty { query.where("status", .in, statuses.map(\.rawValue)) }
            return try await query.orderBy("run_id", oldestFirst ? .ascending : .descending).limit(limit)
                .all(decoding: RunRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map { try $0.run() }
    }

    /// Moves a queued run to running for `owner`; false when another replica took it (or it was cancelled).
    func claim(_ id: Int64, owner: String) async throws -> Bool {
        let now = Timestamp.nowMillis()
        return try await store.write { database in
            !(try await database.update("pipeline_runs")
                .set("status", to: PipelineRunRecord.Status.running.rawValue).set("owner", to: owner)
                .set("started_at", to: now).set("heartbeat_at", to: now)
                .where("run_id", .equal, id).where("status", .equal, PipelineRunRecord.Status.queued.rawValue)
                .returning("run_id").all()).isEmpty
        }
    }

    func noteTrackingRun(_ id: Int64, trackingRunID: String) async throws {
        try await store.write { database in
            try await database.update("pipeline_runs").set("tracking_run_id", to: trackingRunID).where("run_id", .equal, id).run()
        }
    }

    /// Ends a run that has not ended yet.
    func finish(_ id: Int64, status: PipelineRunRecord.Status, result: PipelineResult?, message: String?) async throws {
        let resultText = try result.map { try Self.encode($0) }
        try await store.write { database in
            let update = database.update("pipeline_runs").set("status", to: status.rawValue)
                .set("message", to: SQLBind(message)).set("ended_at", to: Timestamp.nowMillis())
            if let resultText { update.set("result", to: resultText) }
            if let trackingRunID = result?.runID { update.set("tracking_run_id", to: trackingRunID) }
            try await update.where("run_id", .equal, id)
                .where("status", .in, [PipelineRunRecord.Status.queued.rawValue, PipelineRunRecord.Status.running.rawValue]).run()
        }
    }

    /// Asks for a run to stop: a queued one ends at once, a running one when its owner sees the flag.
    func requestCancel(_ id: Int64) async throws {
        try await store.write { database in
            try await database.update("pipeline_runs").set("cancel_requested", to: Int64(1)).where("run_id", .equal, id).run()
            try await database.update("pipeline_runs").set("status", to: PipelineRunRecord.Status.cancelled.rawValue)
                .set("message", to: "cancelled before it started").set("ended_at", to: Timestamp.nowMillis())
                .where("run_id", .equal, id).where("status", .equal, PipelineRunRecord.Status.queued.rawValue).run()
        }
    }

    /// Running runs of `owner` whose cancellation was asked for.
    func cancelRequests(owner: String) async throws -> [Int64] {
        try await store.read { database in
            try await database.select().column("run_id").from("pipeline_runs")
                .where("owner", .equal, owner).where("status", .equal, PipelineRunRecord.Status.running.rawValue)
                .where("cancel_requested", .equal, Int64(1))
                .all(decoding: [String: Int64].self)
        }.compactMap { $0["run_id"] }
    }

    /// Tells other replicas that `owner` is alive and still running `ids`.
    func heartbeat(owner: String, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let now = Timestamp.nowMillis()
        try await store.write { database in
            try await database.update("pipeline_runs").set("heartbeat_at", to: now)
                .where("owner", .equal, owner).where("run_id", .in, ids).run()
        }
    }

    /// Ends running runs whose owner has not been heard from since `staleBefore`: their server died.
    func failAbandoned(staleBefore: Int64) async throws -> Int {
        try await store.write { database in
            try await database.update("pipeline_runs")
                .set("status", to: PipelineRunRecord.Status.failed.rawValue)
                .set("message", to: "the server running it stopped before it finished")
                .set("ended_at", to: Timestamp.nowMillis())
                .where("status", .equal, PipelineRunRecord.Status.running.rawValue)
                .where("heartbeat_at", .lessThan, staleBefore)
                .returning("run_id").all().count
        }
    }

    // MARK: - Events

    func appendEvents(_ id: Int64, firstSequence: Int64, _ events: [String]) async throws {
        guard !events.isEmpty else { return }
        try await store.write { database in
            for chunk in events.enumerated().map({ $0 }).chunked(into: 200) {
                let insert = database.insert(into: "pipeline_run_events").columns("run_id", "seq", "event")
                for (offset, event) in chunk {
                    insert.values(SQLBind(id), SQLBind(firstSequence + Int64(offset)), SQLBind(event))
                }
                try await insert.run()
            }
        }
    }

    /// Events with a sequence number above `after`, in order.
    func events(_ id: Int64, after: Int64, limit: Int) async throws -> [(sequence: Int64, event: String)] {
        struct Row: Decodable {
            let seq: Int64
            let event: String
        }
        return try await store.read { database in
            try await database.select().column("seq").column("event").from("pipeline_run_events")
                .where("run_id", .equal, id).where("seq", .greaterThan, after).orderBy("seq").limit(limit)
                .all(decoding: Row.self)
        }.map { ($0.seq, $0.event) }
    }

    // MARK: - JSON columns

    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
