import KeelCore
import SQLKit

/// MLflow's limits on dataset descriptions (`MAX_DATASET_*`, `MAX_INPUT_TAG_*`).
enum DatasetLimits {
    static let name = 500
    static let digest = 36
    static let source = 65_535
    static let schema = 1_048_575
    static let profile = 16_777_215
    static let inputTagKey = 255
    static let inputTagValue = 500
}

extension TrackingService {
    /// Records datasets (and logged models) a run read.
    ///
    /// A dataset is stored once per experiment by (name, digest); logging the same one again
    /// links the run to the existing record and updates that link's tags.
    public func logInputs(runID: String, datasets: [DatasetInput], modelIDs: [String]) async throws {
        for input in datasets { try Self.validate(input) }
        try await store.write { database in
            let run = try await Self.requireActiveRun(runID, in: database)
            for input in datasets {
                let datasetID = try await Self.datasetID(for: input.dataset, experimentID: run.experimentId, in: database)
                let inputID = try await Self.inputID(runID: runID, datasetID: datasetID, in: database)
                for tag in Self.lastValuePerKey(input.tags) {
                    try await database.raw("""
                        INSERT INTO input_tags (input_uuid, key, value) VALUES (\(bind: inputID), \(bind: tag.key), \(bind: tag.value))
                        ON CONFLICT (input_uuid, key) DO UPDATE SET value = excluded.value
                        """).run()
                }
            }
            for modelID in Set(modelIDs) {
                try await database.raw("""
                    INSERT INTO run_model_inputs (run_uuid, model_id) VALUES (\(bind: runID), \(bind: modelID))
                    ON CONFLICT (run_uuid, model_id) DO NOTHING
                    """).run()
            }
        }
    }

    /// Records logged models a run produced (MLflow 3's `runs/outputs`).
    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await store.write { database in
            _ = try await Self.requireActiveRun(runID, in: database)
            for model in models {
                try await database.raw("""
                    INSERT INTO run_model_outputs (run_uuid, model_id, step) VALUES (\(bind: runID), \(bind: model.modelID), \(bind: model.step))
                    ON CONFLICT (run_uuid, model_id) DO UPDATE SET step = excluded.step
                    """).run()
            }
        }
    }

    static func validate(_ input: DatasetInput) throws(KeelError) {
        let dataset = input.dataset
        func check(_ value: String?, _ limit: Int, _ field: String) throws(KeelError) {
            if let value, value.utf8.count > limit {
                throw .invalidParameter("Dataset \(field) exceeds the maximum length of \(limit).")
            }
        }
        guard !dataset.name.isEmpty else { throw .invalidParameter("Dataset name must not be empty.") }
        guard !dataset.digest.isEmpty else { throw .invalidParameter("Dataset digest must not be empty.") }
        try check(dataset.name, DatasetLimits.name, "name")
        try check(dataset.digest, DatasetLimits.digest, "digest")
        try check(dataset.source, DatasetLimits.source, "source")
        try check(dataset.schema, DatasetLimits.schema, "schema")
        try check(dataset.profile, DatasetLimits.profile, "profile")
        for tag in input.tags {
            try check(tag.key, DatasetLimits.inputTagKey, "input tag key")
            try check(tag.value, DatasetLimits.inputTagValue, "input tag value")
        }
    }

    private struct IDRow: Decodable { let id: String }

    /// The id of the dataset (experiment, name, digest), created if new.
    ///
    /// Insert-then-read, so runs logging the same dataset at once all end up linked to one row.
    private static func datasetID(for dataset: Dataset, experimentID: Int64, in database: any SQLDatabase) async throws -> String {
        try await database.raw("""
            INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile)
            VALUES (\(bind: Identifiers.newHexID()), \(bind: experimentID), \(bind: dataset.name), \(bind: dataset.digest), \
            \(bind: dataset.sourceType), \(bind: dataset.source), \(bind: dataset.schema), \(bind: dataset.profile))
            ON CONFLICT (experiment_id, name, digest) DO NOTHING
            """).run()
        guard let row = try await database.raw("""
            SELECT dataset_uuid AS id FROM datasets
            WHERE experiment_id = \(bind: experimentID) AND name = \(bind: dataset.name) AND digest = \(bind: dataset.digest)
            """).first(decoding: IDRow.self)
        else {
            throw KeelError(.internalError, "Dataset '\(dataset.name)' vanished while being logged.")
        }
        return row.id
    }

    /// The id of the link between a run and a dataset, created if new.
    private static func inputID(runID: String, datasetID: String, in database: any SQLDatabase) async throws -> String {
        try await database.raw("""
            INSERT INTO run_inputs (input_uuid, run_uuid, dataset_uuid)
            VALUES (\(bind: Identifiers.newHexID()), \(bind: runID), \(bind: datasetID))
            ON CONFLICT (run_uuid, dataset_uuid) DO NOTHING
            """).run()
        guard let row = try await database.raw("""
            SELECT input_uuid AS id FROM run_inputs WHERE run_uuid = \(bind: runID) AND dataset_uuid = \(bind: datasetID)
            """).first(decoding: IDRow.self)
        else {
            throw KeelError(.internalError, "The input link of run \(runID) vanished while being logged.")
        }
        return row.id
    }
}

/// One run's use of a dataset, for lineage questions asked from the data side.
public struct DatasetUsage: Sendable, Hashable {
    /// The dataset as that run logged it.
    public var dataset: Dataset
    /// The run.
    public var runID: String
    /// The run's name.
    public var runName: String
    /// The run's experiment.
    public var experimentID: Int64
    /// The `mlflow.data.context` input tag (`training`, `eval`, …), if set.
    public var context: String?
}

extension TrackingService {
    /// Every run that logged a dataset with this digest, newest run first.
    public func datasetUsages(digest: String) async throws -> [DatasetUsage] {
        struct UsageRow: Decodable {
            let name: String
            let digest: String
            let sourceType: String
            let source: String
            let schema: String?
            let profile: String?
            let runUuid: String
            let runName: String
            let experimentId: Int64
            let context: String?
        }
        return try await store.read { database in
            try await database.raw("""
                SELECT d.name, d.digest, d.source_type, d.source, d.schema, d.profile,
                       r.run_uuid, r.name AS run_name, r.experiment_id,
                       (SELECT t.value FROM input_tags t WHERE t.input_uuid = i.input_uuid AND t.key = 'mlflow.data.context') AS context
                FROM datasets d
                JOIN run_inputs i ON i.dataset_uuid = d.dataset_uuid
                JOIN runs r ON r.run_uuid = i.run_uuid
                WHERE d.digest = \(bind: digest)
                ORDER BY r.start_time DESC, r.run_uuid
                """).all(decoding: UsageRow.self, keyDecodingStrategy: .convertFromSnakeCase).map {
                DatasetUsage(
                    dataset: Dataset(name: $0.name, digest: $0.digest, sourceType: $0.sourceType, source: $0.source, schema: $0.schema, profile: $0.profile),
                    runID: $0.runUuid, runName: $0.runName, experimentID: $0.experimentId, context: $0.context
                )
            }
        }
    }
}
