import KeelCore
import KeelStore
import KeelTestSupport
import Testing
@testable import KeelTracking

/// The tracking service's behaviour, run identically on every enabled database.
@Suite("Tracking service")
struct TrackingServiceTests {
    @Test("experiments: create, read, rename, tags, delete and restore", arguments: TestBackend.enabled)
    func experiments(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let id = try await tracking.createExperiment(name: "churn", artifactLocation: nil, tags: [KeyValue(key: "team", value: "risk")])
            let experiment = try await tracking.experiment(id: id)
            #expect(experiment.name == "churn")
            #expect(experiment.artifactLocation == "mlflow-artifacts:/\(id)")
            #expect(experiment.tags == [KeyValue(key: "team", value: "risk")])
            #expect(try await tracking.experiment(named: "Default").id == 0)

            await #expect(throws: KeelError(.resourceAlreadyExists, "Experiment(name=churn) already exists.")) {
                _ = try await tracking.createExperiment(name: "churn", artifactLocation: nil, tags: [])
            }
            try await tracking.renameExperiment(id: id, newName: "churn-v2")
            #expect(try await tracking.experiment(id: id).name == "churn-v2")

            try await tracking.setExperimentTag(id: id, tag: KeyValue(key: "team", value: "growth"))
            #expect(try await tracking.experiment(id: id).tags == [KeyValue(key: "team", value: "growth")])
            try await tracking.deleteExperimentTag(id: id, key: "team")
            await #expect(throws: KeelError.self) { try await tracking.deleteExperimentTag(id: id, key: "team") }

            try await tracking.setExperimentLifecycle(id: id, to: .deleted)
            #expect(try await tracking.experiment(id: id).lifecycleStage == .deleted)
            let active = try await tracking.searchExperiments(filter: nil, viewType: .activeOnly, maxResults: nil, orderBy: [], pageToken: nil)
            #expect(!active.experiments.contains { $0.id == id })
            try await tracking.setExperimentLifecycle(id: id, to: .active)
            #expect(try await tracking.experiment(id: id).lifecycleStage == .active)

            await #expect(throws: KeelError.self) { _ = try await tracking.experiment(id: 9999) }
        }
    }

    @Test("runs: names, params, tags, update, lifecycle", arguments: TestBackend.enabled)
    func runs(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let named = try await tracking.createRun(experimentID: 0, userID: "ana", runName: "r1", startTime: 1000, tags: [])
            #expect(named.info.runName == "r1")
            #expect(named.tags.contains(KeyValue(key: "mlflow.runName", value: "r1")))
            let unnamed = try await tracking.createRun(experimentID: 0, userID: nil, runName: nil, startTime: nil, tags: [])
            #expect(unnamed.info.runName.split(separator: "-").count == 3)

            let id = named.info.runID
            try await tracking.logParam(runID: id, param: KeyValue(key: "lr", value: "0.1"))
            try await tracking.logParam(runID: id, param: KeyValue(key: "lr", value: "0.1"))
            await #expect(throws: KeelError.self) {
                try await tracking.logParam(runID: id, param: KeyValue(key: "lr", value: "0.2"))
            }
            try await tracking.setTag(runID: id, tag: KeyValue(key: "mlflow.runName", value: "renamed"))
            #expect(try await tracking.run(id: id).info.runName == "renamed")

            let info = try await tracking.updateRun(id: id, status: .finished, endTime: 2000, runName: nil)
            #expect(info.status == .finished && info.endTime == 2000)
            try await tracking.setRunLifecycle(id: id, to: .deleted)
            await #expect(throws: KeelError.self) {
                try await tracking.setTag(runID: id, tag: KeyValue(key: "k", value: "v"))
            }
            try await tracking.setRunLifecycle(id: id, to: .active)
            await #expect(throws: KeelError.self) { _ = try await tracking.run(id: "0123456789abcdef0123456789abcdef") }
            await #expect(throws: KeelError.self) { _ = try await tracking.run(id: "../etc") }
        }
    }

    @Test("a batch is all or nothing", arguments: TestBackend.enabled)
    func batchAtomicity(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let id = try await tracking.createRun(experimentID: 0, userID: nil, runName: "b", startTime: nil, tags: []).info.runID
            try await tracking.logParam(runID: id, param: KeyValue(key: "fixed", value: "a"))
            await #expect(throws: KeelError.self) {
                try await tracking.logBatch(
                    runID: id,
                    metrics: [Metric(key: "loss", value: 1, timestamp: 1, step: 0)],
                    params: [KeyValue(key: "new", value: "x"), KeyValue(key: "fixed", value: "b")],
                    tags: [KeyValue(key: "t", value: "v")]
                )
            }
            let run = try await tracking.run(id: id)
            #expect(run.params == [KeyValue(key: "fixed", value: "a")])
            #expect(run.metrics.isEmpty)
            #expect(!run.tags.contains { $0.key == "t" })

            let tooMany = (0..<1001).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
            await #expect(throws: KeelError.self) {
                try await tracking.logBatch(runID: id, metrics: tooMany, params: [], tags: [])
            }
        }
    }

    @Test("metric history keeps every step; latest follows step, then timestamp", arguments: TestBackend.enabled)
    func metricHistory(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let id = try await tracking.createRun(experimentID: 0, userID: nil, runName: "h", startTime: nil, tags: []).info.runID
            let values: [Double] = [.nan, .infinity, -.infinity, -3.5, 0, 7]
            let metrics = values.enumerated().map { Metric(key: "x", value: $1, timestamp: 100, step: Int64($0) - 2) }
            try await tracking.logBatch(runID: id, metrics: metrics.reversed(), params: [], tags: [])
            try await tracking.logMetric(runID: id, metric: Metric(key: "x", value: 1, timestamp: 50, step: -5))

            let (history, next) = try await tracking.metricHistory(runID: id, key: "x", maxResults: nil, pageToken: nil)
            #expect(next == nil)
            #expect(history.map(\.step) == [-5, -2, -1, 0, 1, 2, 3])
            #expect(history[1].value.isNaN)
            #expect(history[2].value == .infinity && history[3].value == -.infinity)
            #expect(try await tracking.run(id: id).metrics.map(\.value) == [7])

            let firstPage = try await tracking.metricHistory(runID: id, key: "x", maxResults: 4, pageToken: nil)
            #expect(firstPage.metrics.count == 4)
            let secondPage = try await tracking.metricHistory(runID: id, key: "x", maxResults: 4, pageToken: firstPage.nextPageToken)
            #expect(secondPage.metrics.map(\.step) == [1, 2, 3] && secondPage.nextPageToken == nil)

            #expect(try await tracking.metricHistory(runID: "ffffffffffffffffffffffffffffffff", key: "x", maxResults: nil, pageToken: nil).metrics.isEmpty)
        }
    }

    @Test("search: filters, order, paging and datasets", arguments: TestBackend.enabled)
    func search(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let experiment = try await tracking.createExperiment(name: "s", artifactLocation: nil, tags: [])
            var ids: [String] = []
            for index in 0..<12 {
                let run = try await tracking.createRun(
                    experimentID: experiment, userID: "u", runName: "run-\(index)", startTime: Int64(1000 + index), tags: []
                )
                ids.append(run.info.runID)
                try await tracking.logBatch(
                    runID: run.info.runID,
                    metrics: [Metric(key: "acc", value: Double(index) / 10, timestamp: 1, step: 0)],
                    params: [KeyValue(key: "model", value: index % 2 == 0 ? "XGB" : "linear")],
                    tags: [KeyValue(key: "team", value: "t\(index % 3)")]
                )
            }
            func names(_ filter: String?, order: [String] = [], max: Int? = nil) async throws -> [String] {
                try await tracking.searchRuns(
                    experimentIDs: [experiment], filter: filter, viewType: .activeOnly,
                    maxResults: max, orderBy: order, pageToken: nil
                ).runs.map(\.info.runName)
            }
            #expect(try await names(nil, max: 3) == ["run-11", "run-10", "run-9"])
            #expect(try await names("metrics.acc > 0.85", order: ["metrics.acc ASC"]) == ["run-9", "run-10", "run-11"])
            #expect(try await names("metrics.acc >= 0.8 and params.model = 'XGB'") == ["run-10", "run-8"])
            #expect(try await names("params.model LIKE 'x%'").isEmpty)
            #expect(try await names("params.model ILIKE 'x%'").count == 6)
            #expect(try await names("tags.team = 't0' and attributes.run_name != 'run-6'") == ["run-9", "run-3", "run-0"])
            #expect(try await names("attributes.run_id IN ('\(ids[1])', '\(ids[2])')") == ["run-2", "run-1"])
            #expect(try await names("attributes.start_time < 1002", order: ["attributes.start_time ASC"]) == ["run-0", "run-1"])
            #expect(try await names("tags.missing IS NULL").count == 12)
            #expect(try await names("run_name = 'run-5'") == ["run-5"])

            var seen: [String] = []
            var token: String?
            repeat {
                let page = try await tracking.searchRuns(
                    experimentIDs: [experiment], filter: nil, viewType: .activeOnly, maxResults: 5,
                    orderBy: ["metrics.acc DESC"], pageToken: token
                )
                seen += page.runs.map(\.info.runID)
                token = page.nextPageToken
            } while token != nil
            #expect(seen.count == 12 && Set(seen) == Set(ids))

            try await tracking.logInputs(
                runID: ids[0],
                datasets: [DatasetInput(
                    dataset: Dataset(name: "train", digest: "abc123", sourceType: "local", source: "{}", schema: nil, profile: nil),
                    tags: [KeyValue(key: "mlflow.data.context", value: "training")]
                )],
                modelIDs: []
            )
            #expect(try await names("datasets.digest = 'abc123'") == ["run-0"])
            #expect(try await names("datasets.context = 'training' and datasets.name = 'train'") == ["run-0"])
            let input = try await tracking.run(id: ids[0]).inputs.datasetInputs
            #expect(input.first?.dataset.digest == "abc123" && input.first?.tags.first?.value == "training")

            try await tracking.setRunLifecycle(id: ids[0], to: .deleted)
            let deleted = try await tracking.searchRuns(
                experimentIDs: [experiment], filter: nil, viewType: .deletedOnly, maxResults: nil, orderBy: [], pageToken: nil
            )
            #expect(deleted.runs.map(\.info.runID) == [ids[0]])

            await #expect(throws: KeelError.self) { _ = try await names("metrics.acc > 'high'") }
            await #expect(throws: KeelError.self) {
                _ = try await tracking.searchRuns(experimentIDs: [experiment], filter: nil, viewType: .all, maxResults: 10, orderBy: [], pageToken: "%%%")
            }
            await #expect(throws: KeelError.self) { _ = try await names(nil, max: 50_001) }
        }
    }

    @Test("metric-ordered pages put runs without the metric last and never overlap", arguments: TestBackend.enabled)
    func metricOrderedPaging(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let experiment = try await tracking.createExperiment(name: "paging", artifactLocation: nil, tags: [])
            var withMetric: [String] = []
            var withoutMetric: [String] = []
            for index in 0..<13 {
                let run = try await tracking.createRun(
                    experimentID: experiment, userID: nil, runName: "r\(index)", startTime: Int64(index), tags: []
                )
                if index < 9 {
                    let value = index == 4 ? Double.nan : Double(index)
                    try await tracking.logMetric(runID: run.info.runID, metric: Metric(key: "loss", value: value, timestamp: 1, step: 0))
                    if index != 4 { withMetric.append(run.info.runID) }
                }
                if index >= 9 || index == 4 { withoutMetric.append(run.info.runID) }
            }
            for ascending in [true, false] {
                var seen: [String] = []
                var token: String?
                repeat {
                    let page = try await tracking.searchRuns(
                        experimentIDs: [experiment], filter: nil, viewType: .activeOnly, maxResults: 4,
                        orderBy: ["metrics.loss \(ascending ? "ASC" : "DESC")"], pageToken: token
                    )
                    seen += page.runs.map(\.info.runID)
                    token = page.nextPageToken
                } while token != nil
                let expectedHead = ascending ? withMetric : withMetric.reversed()
                #expect(Array(seen.prefix(8)) == expectedHead)
                // NaN counts as missing; the rest follow newest first.
                #expect(Array(seen.dropFirst(8)) == withoutMetric.reversed())
            }
            let filtered = try await tracking.searchRuns(
                experimentIDs: [experiment], filter: "metrics.loss >= 2", viewType: .activeOnly, maxResults: 2,
                orderBy: ["metrics.loss DESC"], pageToken: nil
            )
            #expect(filtered.runs.map(\.info.runName) == ["r8", "r7"])
        }
    }

    @Test("experiment search by name, tag and id", arguments: TestBackend.enabled)
    func experimentSearch(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let first = try await tracking.createExperiment(name: "alpha", artifactLocation: nil, tags: [KeyValue(key: "k", value: "v")])
            _ = try await tracking.createExperiment(name: "beta", artifactLocation: nil, tags: [])
            func names(_ filter: String) async throws -> [String] {
                try await tracking.searchExperiments(filter: filter, viewType: .activeOnly, maxResults: nil, orderBy: ["name ASC"], pageToken: nil)
                    .experiments.map(\.name)
            }
            #expect(try await names("name LIKE '%ta'") == ["beta"])
            #expect(try await names("tags.k = 'v'") == ["alpha"])
            #expect(try await names("experiment_id = '\(first)'") == ["alpha"])
        }
    }
}
