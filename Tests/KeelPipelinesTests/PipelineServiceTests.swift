import Foundation
import KeelCore
@testable import KeelMonitoring
@testable import KeelPipelines
import KeelStore
import KeelTestSupport
import Logging
import NIOConcurrencyHelpers
import Testing

/// The server side of pipelines (migration 6) on every backend: registration, the queue,
/// claims that only one replica wins, triggers, events and cancellation.
@Suite("Pipeline service")
struct PipelineServiceTests {
    static let logger: Logger = {
        var logger = Logger(label: "keel-test")
        logger.logLevel = .error
        return logger
    }()

    static func scratch(_ yaml: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("keel-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: root.appendingPathComponent("keel.yaml"))
        return root
    }

    static let simple = """
        stages:
          copy:
            cmd: cp input.txt output.txt
            deps: [input.txt]
            outs: [output.txt]
        """

    @Test("registration checks the name, the directory, keel.yaml and the triggers", arguments: TestBackend.enabled)
    func registration(backend: TestBackend) async throws {
        let root = try Self.scratch(Self.simple)
        defer { try? FileManager.default.removeItem(at: root) }
        try await backend.withStore { store in
            let service = PipelineService(store: store, logger: Self.logger)
            let pipeline = try await service.register(name: "copy", directory: root.path, settings: PipelineSettings(schedule: "0 3 * * *"))
            #expect(pipeline.nextScheduledAt != nil)
            #expect(try await service.pipeline("copy") == pipeline)
            await #expect(throws: KeelError(.resourceAlreadyExists, "Pipeline 'copy' already exists; update it or delete it first.")) {
                try await service.register(name: "copy", directory: root.path, settings: PipelineSettings())
            }
            let refusals: [(String, String, PipelineSettings, String)] = [
                ("bad name", root.path, PipelineSettings(), "Invalid pipeline name"),
                ("relative", "some/dir", PipelineSettings(), "absolute path"),
                ("absent", root.appendingPathComponent("absent").path, PipelineSettings(), "No readable keel.yaml"),
                ("cron", root.path, PipelineSettings(schedule: "61 * * * *"), "minute field"),
                ("loop", root.path, PipelineSettings(onDataset: ["output.txt"]), "written by stage 'copy'"),
            ]
            for (name, directory, settings, expected) in refusals {
                do {
                    _ = try await service.register(name: name, directory: directory, settings: settings)
                    Issue.record("\(name) was accepted")
                } catch {
                    #expect("\(error)".contains(expected), "\(name): \(error)")
                }
            }
            let updated = try await service.update(name: "copy", directory: nil, settings: PipelineSettings(onDataset: ["input.txt"]))
            #expect(updated.nextScheduledAt == nil && updated.settings.onDataset == ["input.txt"])
            #expect(try await service.pipelines().map(\.name) == ["copy"])
        }
    }

    @Test("a queued run is claimed by one owner only; cancelling, ending and events", arguments: TestBackend.enabled)
    func queue(backend: TestBackend) async throws {
        let root = try Self.scratch(Self.simple)
        defer { try? FileManager.default.removeItem(at: root) }
        try await backend.withStore { store in
            let service = PipelineService(store: store, logger: Self.logger)
            _ = try await service.register(name: "copy", directory: root.path, settings: PipelineSettings())
            let tables = PipelineStore(store: store)
            let first = try await service.trigger("copy", stages: ["copy"], force: true)
            #expect(first.status == .queued && first.trigger == .rest && first.stages == ["copy"] && first.force)
            await #expect(throws: KeelError.self) { try await service.trigger("copy", stages: ["nope"], force: false) }
            await #expect(throws: KeelError.self) { try await service.trigger("absent", stages: [], force: false) }

            #expect(try await tables.claim(first.id, owner: "a"))
            #expect(try await !tables.claim(first.id, owner: "b"))
            try await tables.appendEvents(first.id, firstSequence: 1, ["{\"event\":\"pipeline_started\"}", "{\"event\":\"stage_output\"}"])
            try await tables.appendEvents(first.id, firstSequence: 3, ["{\"event\":\"pipeline_finished\"}"])
            #expect(try await service.events("copy", id: first.id, after: 1, limit: 10).map(\.sequence) == [2, 3])
            let result = PipelineResult(stages: [StageResult(stage: "copy", status: .ran, seconds: 0.5, reasons: [], metrics: ["m": 1])], runID: "abc", seconds: 1)
            try await tables.finish(first.id, status: .succeeded, result: result, message: nil)
            let ended = try await service.run("copy", id: first.id)
            #expect(ended.status == .succeeded && ended.result == result && ended.trackingRunID == "abc" && ended.endedAt != nil)
            await #expect(throws: KeelError.self) { try await service.cancel("copy", id: first.id) }

            let second = try await service.trigger("copy", stages: [], force: false)
            #expect(try await service.cancel("copy", id: second.id).status == .cancelled)
            #expect(try await !tables.claim(second.id, owner: "a"), "a cancelled run is never started")
            #expect(try await service.runs("copy", limit: 10).map(\.id) == [second.id, first.id])
            await #expect(throws: KeelError.self) { try await service.run("other", id: first.id) }

            // A running run whose owner went quiet is ended by whoever notices.
            let third = try await service.trigger("copy", stages: [], force: false)
            #expect(try await tables.claim(third.id, owner: "gone"))
            await #expect(throws: KeelError.self) { try await service.delete("copy") }
            #expect(try await tables.failAbandoned(staleBefore: Timestamp.nowMillis() + 1) == 1)
            #expect(try await service.run("copy", id: third.id).status == .failed)
            try await service.delete("copy")
            await #expect(throws: KeelError.self) { try await service.pipeline("copy") }
        }
    }

    @Test("the scheduler runs queued runs and fires on schedule, alerts and new dataset content", arguments: TestBackend.enabled)
    func scheduler(backend: TestBackend) async throws {
        let root = try Self.scratch(Self.simple)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("one".utf8).write(to: root.appendingPathComponent("input.txt"))
        try await backend.withStore { store in
            let service = PipelineService(store: store, logger: Self.logger)
            let settings = PipelineSettings(schedule: "0 3 * * *", onAlert: ["churn"], onDataset: ["input.txt"], datasetPollSeconds: 1)
            _ = try await service.register(name: "copy", directory: root.path, settings: settings)
            let loop = Task { await service.run(tick: .milliseconds(50)) { _ in RecordingServices() } }
            defer { loop.cancel() }

            func waitForRun(_ count: Int) async throws -> PipelineRunRecord {
                for _ in 0..<200 {
                    let runs = try await service.runs("copy", limit: 100)
                    if runs.count >= count, runs[0].status.isFinal { return runs[0] }
                    try await Task.sleep(for: .milliseconds(50))
                }
                throw KeelError(.deadlineExceeded, "no run \(count) ended")
            }

            _ = try await service.trigger("copy", stages: [], force: false)
            let byHand = try await waitForRun(1)
            #expect(byHand.status == .succeeded && byHand.trackingRunID == "pipeline-run")
            #expect(try String(contentsOf: root.appendingPathComponent("output.txt"), encoding: .utf8) == "one")
            let events = try await service.events("copy", id: byHand.id, after: 0, limit: 100).map(\.event)
            #expect(events.first?.contains("pipeline_started") == true && events.last?.contains("pipeline_finished") == true, "\(events)")

            // New content in the watched file.
            try Data("two".utf8).write(to: root.appendingPathComponent("input.txt"))
            let byData = try await waitForRun(2)
            #expect(byData.trigger == .dataset && byData.triggerDetail.contains("dataset 'input.txt' has new content"))
            #expect(try String(contentsOf: root.appendingPathComponent("output.txt"), encoding: .utf8) == "two")

            // An alert on the watched deployment; one on another deployment is ignored.
            let alerts = AlertStore(store: store)
            for deployment in ["other", "churn"] {
                let rule = try await alerts.insert(
                    deployment: deployment, condition: try AlertCondition(parsing: "drift_share > 0.3"), window: "1h", webhook: nil, every: 1000
                )
                _ = try await alerts.transition(rule, from: .ok, to: .firing, value: 0.5, at: Timestamp.nowMillis())
            }
            let byAlert = try await waitForRun(3)
            #expect(byAlert.trigger == .alert && byAlert.triggerDetail.contains("alert on 'churn': drift_share > 0.3 fired"))
            #expect(!byAlert.triggerDetail.contains("'other'"))

            // A schedule tick that is due.
            let tables = PipelineStore(store: store)
            var pipeline = try await service.pipeline("copy")
            pipeline.nextScheduledAt = Timestamp.nowMillis() - 1000
            try await tables.update(pipeline)
            let bySchedule = try await waitForRun(4)
            #expect(bySchedule.trigger == .schedule && bySchedule.triggerDetail.hasPrefix("schedule '0 3 * * *'"))
            #expect(try await service.pipeline("copy").nextScheduledAt! > Timestamp.nowMillis())
            #expect(try await service.runs("copy", limit: 100).count == 4, "each trigger fired once")
        }
    }

    @Test("one run at a time unless allowed; an allowed second run works in a copy sharing the cache", arguments: [TestBackend.sqlite])
    func concurrency(backend: TestBackend) async throws {
        // Each run's stage waits for the other run's stage to have started: both end only if they overlap.
        let root = try Self.scratch("""
            stages:
              meet:
                cmd: M=$(echo $KEEL_PIPELINE_RUN_ID | cut -d- -f1); touch /tmp/keel-meet-$KEEL_PIPELINE_RUN_ID; for i in $(seq 100); do [ $(ls /tmp/keel-meet-$M-* | wc -l) -ge 2 ] && break; sleep 0.1; done; [ $(ls /tmp/keel-meet-$M-* | wc -l) -ge 2 ] && pwd > where.txt
                outs: [where.txt]
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        try await backend.withStore { store in
            let service = PipelineService(store: store, logger: Self.logger)
            _ = try await service.register(name: "meet", directory: root.path, settings: PipelineSettings(maxConcurrentRuns: 2))
            let meeting = UUID().uuidString.replacingOccurrences(of: "-", with: "")
            defer {
                for file in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where file.hasPrefix("keel-meet-\(meeting)") {
                    try? FileManager.default.removeItem(atPath: "/tmp/" + file)
                }
            }
            let loop = Task {
                await service.run(tick: .milliseconds(50)) { _ in MeetingServices(meeting: meeting) }
            }
            defer { loop.cancel() }
            _ = try await service.trigger("meet", stages: [], force: true)
            _ = try await service.trigger("meet", stages: [], force: true)
            var runs: [PipelineRunRecord] = []
            for _ in 0..<200 {
                runs = try await service.runs("meet", limit: 10)
                if runs.allSatisfy(\.status.isFinal) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(runs.map(\.status) == [.succeeded, .succeeded], "both runs were running at the same time")
            // One ran in place, the other in a copy that is gone afterwards.
            #expect(try String(contentsOf: root.appendingPathComponent("where.txt"), encoding: .utf8).trimmingCharacters(in: .newlines) == root.path)
            let copies = FileManager.default.temporaryDirectory.appendingPathComponent("keel-pipeline-runs")
            #expect(!((try? FileManager.default.contentsOfDirectory(atPath: copies.path)) ?? []).contains { $0.hasPrefix("meet-") })
        }
    }

    @Test("cancelling a running run stops its command", arguments: TestBackend.enabled)
    func cancelRunning(backend: TestBackend) async throws {
        let root = try Self.scratch("stages:\n  slow: {cmd: 'sleep 30'}\n")
        defer { try? FileManager.default.removeItem(at: root) }
        try await backend.withStore { store in
            let service = PipelineService(store: store, logger: Self.logger)
            _ = try await service.register(name: "slow", directory: root.path, settings: PipelineSettings())
            let loop = Task { await service.run(tick: .milliseconds(50)) { _ in RecordingServices() } }
            defer { loop.cancel() }
            let run = try await service.trigger("slow", stages: [], force: false)
            for _ in 0..<100 where try await service.run("slow", id: run.id).status == .queued {
                try await Task.sleep(for: .milliseconds(50))
            }
            _ = try await service.cancel("slow", id: run.id)
            var ended = try await service.run("slow", id: run.id)
            for _ in 0..<100 where !ended.status.isFinal {
                try await Task.sleep(for: .milliseconds(50))
                ended = try await service.run("slow", id: run.id)
            }
            #expect(ended.status == .cancelled)
            #expect(ended.result?.stages.first?.status == .cancelled)
        }
    }
}

/// Gives each pipeline run a run id that names the meeting, so two runs' commands can find each other.
struct MeetingServices: PipelineServices {
    let meeting: String
    private let base = RecordingServices()

    func startPipelineRun(_ start: PipelineRunStart) async throws -> PipelineRunHandle {
        PipelineRunHandle(runID: "\(meeting)-\(UUID().uuidString)", experimentID: "0")
    }
    func startStageRun(pipelineRunID: String, experimentID: String, stage: String, tags: [String: String]) async throws -> String {
        try await base.startStageRun(pipelineRunID: pipelineRunID, experimentID: experimentID, stage: stage, tags: tags)
    }
    func record(_ record: StageRecord) async throws {}
    func finishRun(_ runID: String, succeeded: Bool) async throws {}
    func championMetrics(model: String, alias: String) async throws -> [String: Double]? { nil }
    func registerModel(_ registration: ModelRegistration) async throws -> Int64 { try await base.registerModel(registration) }
    func deploy(_ deployment: ModelDeployment) async throws -> DeploymentChange { try await base.deploy(deployment) }
}

/// Records nothing anywhere: stands in for the server's REST API so the scheduler can be
/// tested without one (the e2e tests drive the real API).
struct RecordingServices: PipelineServices {
    func startPipelineRun(_ start: PipelineRunStart) async throws -> PipelineRunHandle {
        PipelineRunHandle(runID: "pipeline-run", experimentID: "0")
    }
    func startStageRun(pipelineRunID: String, experimentID: String, stage: String, tags: [String: String]) async throws -> String {
        "stage-run-\(stage)"
    }
    func record(_ record: StageRecord) async throws {}
    func finishRun(_ runID: String, succeeded: Bool) async throws {}
    func championMetrics(model: String, alias: String) async throws -> [String: Double]? { nil }
    func registerModel(_ registration: ModelRegistration) async throws -> Int64 {
        throw KeelError.invalidParameter("not in this test")
    }
    func deploy(_ deployment: ModelDeployment) async throws -> DeploymentChange {
        throw KeelError.invalidParameter("not in this test")
    }
}
