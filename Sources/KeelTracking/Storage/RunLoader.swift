import KeelCore
import KeelStore
import SQLKit

/// Loads whole runs (info, params, tags, latest metrics, inputs, outputs) in a fixed number
/// of queries, however many runs are asked for: one query per table, never one per run.
enum RunLoader {
    /// The runs with these ids, in the order given; ids that do not exist are skipped.
    static func load(_ ids: [String], in database: any SQLDatabase) async throws -> [Run] {
        var runs: [Run] = []
        runs.reserveCapacity(ids.count)
        for chunk in ids.chunked(into: chunkSize) {
            let rows = try await database.rows("""
                SELECT \(unsafeRaw: RunRow.columnList) FROM runs WHERE run_uuid IN \(SQLBind.group(chunk))
                """, RunRow.types).map(RunRow.init(values:))
            runs += try await assembleChunk(rows, orderedBy: chunk, in: database)
        }
        return runs
    }

    /// Bind lists stay far below every database's limit on parameters per statement.
    private static let chunkSize = 500

    /// Completes already-read run rows with their params, tags, metrics and inputs, keeping their order.
    static func assemble(_ rows: [RunRow], in database: any SQLDatabase) async throws -> [Run] {
        var runs: [Run] = []
        runs.reserveCapacity(rows.count)
        for chunk in rows.chunked(into: chunkSize) {
            runs += try await assembleChunk(chunk, orderedBy: nil, in: database)
        }
        return runs
    }

    private static func assembleChunk(_ rows: [RunRow], orderedBy ids: [String]?, in database: any SQLDatabase) async throws -> [Run] {
        guard !rows.isEmpty else { return [] }
        let runIDs = rows.map(\.runUuid)
        let params = try await keyValues(table: "params", runIDs: runIDs, in: database)
        let tags = try await keyValues(table: "tags", runIDs: runIDs, in: database)
        let metrics = try await latestMetrics(runIDs: runIDs, in: database)
        let datasets = try await datasetInputs(runIDs: runIDs, in: database)
        let models = try await modelInputsAndOutputs(runIDs: runIDs, in: database)

        let byID = Dictionary(rows.map { ($0.runUuid, $0) }, uniquingKeysWith: { first, _ in first })
        return (ids ?? runIDs).compactMap { id in
            guard let row = byID[id] else { return nil }
            return Run(
                info: row.info,
                metrics: metrics[id] ?? [],
                params: params[id] ?? [],
                tags: tags[id] ?? [],
                inputs: RunInputs(datasetInputs: datasets[id] ?? [], modelInputs: models.inputs[id] ?? []),
                outputs: RunOutputs(modelOutputs: models.outputs[id] ?? [])
            )
        }
    }

    private static func keyValues(table: String, runIDs: [String], in database: any SQLDatabase) async throws -> [String: [KeyValue]] {
        let rows = try await database.rows("""
            SELECT run_uuid AS owner, key, value FROM \(ident: table)
            WHERE run_uuid IN \(SQLBind.group(runIDs)) ORDER BY key
            """, OwnedKeyValueRow.types).map(OwnedKeyValueRow.init(values:))
        return Dictionary(grouping: rows, by: \.owner).mapValues { $0.map { KeyValue(key: $0.key, value: $0.value) } }
    }

    private static func latestMetrics(runIDs: [String], in database: any SQLDatabase) async throws -> [String: [Metric]] {
        let rows = try await database.rows("""
            SELECT run_uuid, key, value, timestamp, step, is_nan,
                   NULL AS model_id, NULL AS dataset_name, NULL AS dataset_digest
            FROM latest_metrics WHERE run_uuid IN \(SQLBind.group(runIDs)) ORDER BY key
            """, MetricRow.types).map(MetricRow.init(values:))
        return Dictionary(grouping: rows, by: \.runUuid).mapValues { $0.map(\.metric) }
    }

    private struct DatasetInputRow: Decodable {
        let runUuid: String
        let inputUuid: String
        let name: String
        let digest: String
        let sourceType: String
        let source: String
        let schema: String?
        let profile: String?
    }

    private struct InputTagRow: Decodable {
        let inputUuid: String
        let key: String
        let value: String
    }

    private static func datasetInputs(runIDs: [String], in database: any SQLDatabase) async throws -> [String: [DatasetInput]] {
        let rows = try await database.raw("""
            SELECT i.run_uuid, i.input_uuid, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid
            WHERE i.run_uuid IN \(SQLBind.group(runIDs)) ORDER BY d.name, d.digest
            """).all(decoding: DatasetInputRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard !rows.isEmpty else { return [:] }
        let tagRows = try await database.raw("""
            SELECT input_uuid, key, value FROM input_tags
            WHERE input_uuid IN \(SQLBind.group(rows.map(\.inputUuid))) ORDER BY key
            """).all(decoding: InputTagRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let tags = Dictionary(grouping: tagRows, by: \.inputUuid)
        return Dictionary(grouping: rows, by: \.runUuid).mapValues { inputs in
            inputs.map { row in
                DatasetInput(
                    dataset: Dataset(
                        name: row.name, digest: row.digest, sourceType: row.sourceType,
                        source: row.source, schema: row.schema, profile: row.profile
                    ),
                    tags: (tags[row.inputUuid] ?? []).map { KeyValue(key: $0.key, value: $0.value) }
                )
            }
        }
    }

    private struct ModelLinkRow: Decodable {
        let runUuid: String
        let modelId: String
        let step: Int64?
    }

    private static func modelInputsAndOutputs(
        runIDs: [String], in database: any SQLDatabase
    ) async throws -> (inputs: [String: [String]], outputs: [String: [ModelOutput]]) {
        let inputs = try await database.raw("""
            SELECT run_uuid, model_id, NULL AS step FROM run_model_inputs
            WHERE run_uuid IN \(SQLBind.group(runIDs)) ORDER BY model_id
            """).all(decoding: ModelLinkRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let outputs = try await database.raw("""
            SELECT run_uuid, model_id, step FROM run_model_outputs
            WHERE run_uuid IN \(SQLBind.group(runIDs)) ORDER BY step, model_id
            """).all(decoding: ModelLinkRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        return (
            Dictionary(grouping: inputs, by: \.runUuid).mapValues { $0.map(\.modelId) },
            Dictionary(grouping: outputs, by: \.runUuid).mapValues { $0.map { ModelOutput(modelID: $0.modelId, step: $0.step ?? 0) } }
        )
    }
}
