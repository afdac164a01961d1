import KeelCore
import KeelStore
import SQLKit

extension TrackingService {
    /// The tag MLflow keeps in step with a run's name.
    static let runNameTag = "mlflow.runName"
    /// The tag MLflow clients use to name the user.
    static let userTag = "mlflow.user"

    /// Starts a run in an active experiment and returns it.
    ///
    /// Without a name, the `mlflow.runName` tag names it; without either, a memorable name is
    /// generated. Either way the `mlflow.runName` tag is set, as MLflow's UI expects.
    public func createRun(
        experimentID: Int64, userID: String?, runName: String?, startTime: Int64?, tags: [KeyValue]
    ) async throws -> Run {
        var tags = Self.lastValuePerKey(tags)
        for tag in tags { try EntityKey.validate(tag.key, kind: "tag") }
        let tagName = tags.first { $0.key == Self.runNameTag }?.value
        if let runName, !runName.isEmpty, let tagName, tagName != runName {
            throw KeelError.invalidParameter(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='\(runName)', mlflow.runName='\(tagName)')."
            )
        }
        let name = [runName, tagName].compactMap { $0 }.first { !$0.isEmpty } ?? RunNameGenerator.make()
        if tagName == nil { tags.append(KeyValue(key: Self.runNameTag, value: name)) }
        let user = userID ?? tags.first { $0.key == Self.userTag }?.value ?? ""
        let runID = Identifiers.newTimeOrderedHexID()
        let start = startTime ?? Timestamp.nowMillis()
        let finalTags = tags.map { KeyValue(key: $0.key, value: ValueLimits.truncated($0.value, to: ValueLimits.runTagValue)) }
        // Built before taking the writer, which should only run statements.
        let tagUpsert = Self.tagUpsert(runID: runID, finalTags, store.dialect)

        let experimentLookup = Self.experimentLookup(experimentID, store.dialect)
        let dialect = store.dialect

        return try await store.write { database in
            let experiment = try await Self.requireExperiment(experimentID, lookup: experimentLookup, in: database)
            guard experiment.lifecycleStage == LifecycleStage.active.rawValue else {
                throw KeelError.invalidParameter(
                    "The experiment \(experimentID) must be in the 'active' state. Current state is \(experiment.lifecycleStage)."
                )
            }
            let artifactURI = "\(experiment.artifactLocation)/\(runID)/artifacts"
            var insert = StatementBuilder(dialect, "INSERT INTO runs (\(RunRow.columnList)) VALUES ")
            insert.appendTuple([
                .text(runID), .int64(experimentID), .text(name), .text(user), .text(RunStatus.running.rawValue),
                .int64(start), .int64(nil), .text(LifecycleStage.active.rawValue), .text(artifactURI),
            ])
            try await database.run(insert.build())
            if let tagUpsert { try await database.run(tagUpsert) }
            let info = RunInfo(
                runID: runID, experimentID: experimentID, runName: name, userID: user, status: .running,
                startTime: start, endTime: nil, artifactURI: artifactURI, lifecycleStage: .active
            )
            return Run(info: info, metrics: [], params: [], tags: finalTags.sorted { $0.key < $1.key }, inputs: .empty, outputs: .empty)
        }
    }

    /// The run with this id, deleted or not.
    public func run(id: String) async throws -> Run {
        try await store.read { database in
            let row = try await Self.requireRun(id, in: database)
            return try await RunLoader.assemble([row], in: database)[0]
        }
    }

    /// Changes a run's status, end time or name and returns its new info.
    public func updateRun(id: String, status: RunStatus?, endTime: Int64?, runName: String?) async throws -> RunInfo {
        // Built before taking the writer, which should only run statements (a run ends with one).
        let dialect = store.dialect
        let lookup = try Self.runLookup(id, dialect)
        let newName = runName.flatMap { $0.isEmpty ? nil : $0 }
        let update = Self.runUpdate(id: id, status: status, endTime: endTime, name: newName, dialect)
        let rename = newName.flatMap { Self.tagUpsert(runID: id, [KeyValue(key: Self.runNameTag, value: $0)], dialect) }
        return try await store.write { database in
            var info = try await Self.requireActiveRun(id, lookup: lookup, in: database).info
            if let rename { try await database.run(rename) }
            if let update { try await database.run(update) }
            if let status { info.status = status }
            if let endTime { info.endTime = endTime }
            if let newName { info.runName = newName }
            return info
        }
    }

    /// `UPDATE runs` setting the fields given; nil when none is.
    static func runUpdate(id: String, status: RunStatus?, endTime: Int64?, name: String?, _ dialect: StoreDialect) -> PreparedStatement? {
        var assignments: [(column: String, value: StatementValue)] = []
        if let status { assignments.append(("status", .text(status.rawValue))) }
        if let endTime { assignments.append(("end_time", .int64(endTime))) }
        if let name { assignments.append(("name", .text(name))) }
        guard !assignments.isEmpty else { return nil }
        var statement = StatementBuilder(dialect, "UPDATE runs SET ")
        for (index, assignment) in assignments.enumerated() {
            statement.append(index == 0 ? "\(assignment.column) = " : ", \(assignment.column) = ")
            statement.bind(assignment.value)
        }
        statement.append(" WHERE run_uuid = ")
        statement.bind(id)
        return statement.build()
    }

    /// Moves a run to the trash, or back.
    public func setRunLifecycle(id: String, to stage: LifecycleStage) async throws {
        try await store.write { database in
            let row = try await Self.requireRun(id, in: database)
            if stage == .active {
                let experiment = try await Self.requireExperiment(row.experimentId, in: database)
                guard experiment.lifecycleStage == LifecycleStage.active.rawValue else {
                    throw KeelError.invalidParameter("Cannot restore run \(id): its experiment \(row.experimentId) is deleted.")
                }
            }
            let deletedTime: Int64? = stage == .deleted ? Timestamp.nowMillis() : nil
            try await database.update("runs")
                .set("lifecycle_stage", to: SQLBind(stage.rawValue))
                .set("deleted_time", to: SQLBind(deletedTime))
                .where("run_uuid", .equal, SQLBind(id))
                .run()
        }
    }
}
