import KeelCore
import KeelStore
import SQLKit

/// A row of `logged_models`.
struct LoggedModelRow: Decodable, Sendable {
    static let columns = [
        "model_id", "experiment_id", "name", "artifact_location", "creation_timestamp_ms",
        "last_updated_timestamp_ms", "status", "lifecycle_stage", "model_type", "source_run_id", "status_message",
    ]
    let modelId: String
    let experimentId: Int64
    let name: String
    let artifactLocation: String
    let creationTimestampMs: Int64
    let lastUpdatedTimestampMs: Int64
    let status: String
    let lifecycleStage: String
    let modelType: String?
    let sourceRunId: String?
    let statusMessage: String?
}

/// Loads whole logged models (with tags, params, metrics) in a fixed number of queries.
enum LoggedModelLoader {
    static func assemble(_ rows: [LoggedModelRow], in database: any SQLDatabase) async throws -> [LoggedModel] {
        var models: [LoggedModel] = []
        for chunk in rows.chunked(into: 500) where !chunk.isEmpty {
            let ids = chunk.map(\.modelId)
            let tags = try await keyValues("logged_model_tags", ids, in: database)
            let params = try await keyValues("logged_model_params", ids, in: database)
            let metrics = try await database.rows(metricsStatement(ids), MetricRow.types).map(MetricRow.init(values:))
            let metricsByModel = Dictionary(grouping: metrics) { $0.modelId ?? "" }
            models += chunk.map { row in
                LoggedModel(
                    modelID: row.modelId,
                    experimentID: row.experimentId,
                    name: row.name,
                    artifactLocation: row.artifactLocation,
                    creationTimestamp: row.creationTimestampMs,
                    lastUpdatedTimestamp: row.lastUpdatedTimestampMs,
                    status: LoggedModelStatus(rawValue: row.status) ?? .pending,
                    lifecycleStage: LifecycleStage(rawValue: row.lifecycleStage) ?? .active,
                    modelType: row.modelType,
                    sourceRunID: row.sourceRunId,
                    statusMessage: row.statusMessage,
                    tags: tags[row.modelId] ?? [],
                    params: params[row.modelId] ?? [],
                    metrics: (metricsByModel[row.modelId] ?? []).map { ModelMetric(metric: $0.metric, runID: $0.runUuid) }
                )
            }
        }
        return models
    }

    /// Every metric of these logged models, in history order; read through `metrics_by_model`.
    static func metricsStatement(_ ids: [String]) -> SQLQueryString {
        """
        SELECT run_uuid, key, value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest
        FROM metrics WHERE model_id IN \(SQLBind.group(ids)) ORDER BY key, step, timestamp
        """
    }

    private static func keyValues(_ table: String, _ ids: [String], in database: any SQLDatabase) async throws -> [String: [KeyValue]] {
        let rows = try await database.rows("""
            SELECT model_id AS owner, key, value FROM \(ident: table) WHERE model_id IN \(SQLBind.group(ids)) ORDER BY key
            """, OwnedKeyValueRow.types).map(OwnedKeyValueRow.init(values:))
        return Dictionary(grouping: rows, by: \.owner).mapValues { $0.map { KeyValue(key: $0.key, value: $0.value) } }
    }
}
