public import KeelCore
public import KeelStore
import SQLKit

/// Experiment tracking: experiments, runs, params, metric histories, tags, dataset inputs, search.
///
/// The service holds no state of its own; everything lives in the ``MetadataStore``, so any
/// number of server replicas can share one database. User mistakes surface as ``KeelError``
/// with MLflow's codes; every multi-row change is one transaction.
public struct TrackingService: Sendable {
    /// The metadata store the service reads and writes.
    public let store: any MetadataStore

    /// Creates the service over a migrated store.
    public init(store: any MetadataStore) {
        self.store = store
    }
}

extension TrackingService {
    /// Parses an experiment id as sent on the wire (a decimal string).
    public static func experimentID(_ text: String) throws(KeelError) -> Int64 {
        guard let id = Int64(text), id >= 0 else {
            throw .invalidParameter("Invalid experiment ID: '\(text)'. Experiment IDs are non-negative integers.")
        }
        return id
    }

    /// Throws unless `runID` has the shape MLflow allows (`^[a-zA-Z0-9][\w\-]{0,255}$`).
    static func validateRunID(_ runID: String) throws(KeelError) {
        // By bytes: every request names its run, and an id is ASCII letters, digits, `_` and `-`.
        let bytes = runID.utf8
        let valid = !bytes.isEmpty && bytes.count <= 256
            && bytes.first?.isASCIIAlphanumeric == true
            && bytes.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        guard valid else {
            throw .invalidParameter("Invalid run ID: '\(runID)'.")
        }
    }

    private static let runLookupText = "SELECT \(RunRow.columnList) FROM runs WHERE run_uuid = "

    /// The statement that reads a run's row; throws for an id MLflow would refuse.
    static func runLookup(_ runID: String, _ dialect: StoreDialect) throws(KeelError) -> PreparedStatement {
        try validateRunID(runID)
        var statement = StatementBuilder(dialect, runLookupText)
        statement.bind(runID)
        return statement.build()
    }

    /// The run's row, or RESOURCE_DOES_NOT_EXIST.
    static func requireRun(_ runID: String, in database: any SQLDatabase) async throws -> RunRow {
        try await requireRun(runID, lookup: runLookup(runID, StoreDialect(of: database)), in: database)
    }

    /// The run's row read by a ``runLookup(_:)`` statement, or RESOURCE_DOES_NOT_EXIST.
    static func requireRun(_ runID: String, lookup: PreparedStatement, in database: any SQLDatabase) async throws -> RunRow {
        guard let row = try await database.rows(lookup, RunRow.types).first.map(RunRow.init(values:)) else {
            throw KeelError.notFound("Run with id=\(runID) not found")
        }
        return row
    }

    /// The run's row if it may still be written to; a deleted run refuses writes.
    static func requireActiveRun(_ runID: String, in database: any SQLDatabase) async throws -> RunRow {
        try await requireActiveRun(runID, lookup: runLookup(runID, StoreDialect(of: database)), in: database)
    }

    /// ``requireActiveRun(_:in:)`` with the lookup prepared ahead of the transaction.
    static func requireActiveRun(_ runID: String, lookup: PreparedStatement, in database: any SQLDatabase) async throws -> RunRow {
        let row = try await requireRun(runID, lookup: lookup, in: database)
        guard row.lifecycleStage == LifecycleStage.active.rawValue else {
            throw KeelError.invalidParameter(
                "The run \(runID) must be in the 'active' state. Current state is \(row.lifecycleStage)."
            )
        }
        return row
    }

    /// A statement reading one experiment's row, to run with ``requireExperiment(_:lookup:in:)``.
    static func experimentLookup(_ id: Int64, _ dialect: StoreDialect) -> PreparedStatement {
        var statement = StatementBuilder(dialect, "SELECT \(ExperimentRow.columns.joined(separator: ", ")) FROM experiments WHERE experiment_id = ")
        statement.bind(id)
        return statement.build()
    }

    /// The experiment's row read by an ``experimentLookup(_:_:)`` statement, or RESOURCE_DOES_NOT_EXIST.
    static func requireExperiment(_ id: Int64, lookup: PreparedStatement, in database: any SQLDatabase) async throws -> ExperimentRow {
        guard let row = try await database.rows(lookup, ExperimentRow.types).first.map(ExperimentRow.init(values:)) else {
            throw KeelError.notFound("No Experiment with id=\(id) exists")
        }
        return row
    }

    /// The experiment's row, or RESOURCE_DOES_NOT_EXIST.
    static func requireExperiment(_ id: Int64, in database: any SQLDatabase) async throws -> ExperimentRow {
        try await requireExperiment(id, lookup: experimentLookup(id, StoreDialect(of: database)), in: database)
    }
}
