import Foundation
@testable import KeelServing
import Logging
import NIOCore
import Testing

/// The worker pool against a stand-in worker (Fixtures/fake_worker) that speaks the real
/// protocol without a model: batching, crashes, timeouts, fatal start-up, draining.
@Suite("Model runtime", .serialized)
struct ModelRuntimeTests {
    private static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fake_worker").path

    private func withRuntime(
        _ configuration: RuntimeConfiguration,
        environment extra: [String: String] = [:],
        _ body: (ModelRuntime) async throws -> Void
    ) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.fixture
        environment.merge(extra) { $1 }
        let launch = WorkerLaunchConfiguration(
            python: try WorkerLaunchConfiguration.findPython(explicit: nil, environment: environment),
            workerPackageDirectory: Self.fixture,
            environment: environment
        )
        var logger = Logger(label: "keel-test")
        logger.logLevel = .warning
        let host = try await RuntimeHost.start(launch: launch, logger: logger)
        let runtime = host.startRuntime(modelURI: "models:/fake/1", configuration: configuration)
        do {
            try await body(runtime)
        } catch {
            await runtime.drainAndStop(grace: .seconds(2))
            await host.close()
            throw error
        }
        await runtime.drainAndStop(grace: .seconds(5))
        await host.close()
    }

    private func request(_ text: String) -> ScoringRequest {
        ScoringRequest(kind: .invocations(contentType: "application/json"), body: ByteBuffer(string: text))
    }

    @Test("answers every request, batching concurrent ones into one frame")
    func batching() async throws {
        try await withRuntime(RuntimeConfiguration(workers: 1, maxBatchSize: 16, maxBatchWaitMilliseconds: 20)) { runtime in
            #expect(await runtime.waitUntilSettled(timeout: .seconds(30)).state == .ready)
            let responses = try await withThrowingTaskGroup(of: (Int, ScoringResponse).self) { group in
                for index in 0..<40 {
                    group.addTask { (index, try await runtime.score(request("{\"n\": \(index)}"))) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(responses.count == 40)
            for (index, response) in responses {
                #expect(response.status == 200)
                #expect(String(buffer: response.body) == "{\"n\": \(index)}")
            }
            let batchSizes = responses.values.compactMap { Int($0.contentType.split(separator: "=").last ?? "") }
            #expect(batchSizes.max() ?? 0 > 1, "concurrent requests should share frames")
            #expect(batchSizes.allSatisfy { $0 <= 16 })
        }
    }

    @Test("a worker that dies mid-request is replaced and the request retried once")
    func crashRetry() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("keel-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try await withRuntime(RuntimeConfiguration(workers: 2, maxBatchSize: 1), environment: ["FAKE_WORKER_CRASH_FILE": marker]) { runtime in
            #expect(await runtime.waitUntilSettled(timeout: .seconds(30)).state == .ready)
            let response = try await runtime.score(request("crash"))
            #expect(response.status == 200)
            #expect(String(buffer: response.body) == "crash")
            let deadline = ContinuousClock.now + .seconds(30)
            while runtime.currentStatus.readyWorkers < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(runtime.currentStatus.readyWorkers == 2)
            #expect(runtime.currentStatus.restarts >= 1)
            let after = try await runtime.score(request("after"))
            #expect(String(buffer: after.body) == "after")
        }
    }

    @Test("a model that cannot load fails the runtime with the worker's own message")
    func fatal() async throws {
        try await withRuntime(RuntimeConfiguration(workers: 1), environment: ["FAKE_WORKER_FATAL": "no module named xgboost"]) { runtime in
            let status = await runtime.waitUntilSettled(timeout: .seconds(30))
            #expect(status.state == .failed)
            #expect(status.message == "no module named xgboost")
            await #expect(throws: WorkerError.self) { try await runtime.score(request("x")) }
        }
    }

    @Test("a request that takes too long fails with a timeout and its worker is replaced")
    func timeout() async throws {
        var configuration = RuntimeConfiguration(workers: 1, maxBatchSize: 1)
        configuration.requestTimeoutSeconds = 1
        try await withRuntime(configuration) { runtime in
            #expect(await runtime.waitUntilSettled(timeout: .seconds(30)).state == .ready)
            await #expect {
                try await runtime.score(request("sleep"))
            } throws: { error in
                if case WorkerError.timedOut = error { return true }
                return false
            }
            let next = try await runtime.score(request("next"))
            #expect(String(buffer: next.body) == "next")
        }
    }

    @Test("draining answers what is queued, then refuses new requests")
    func drain() async throws {
        try await withRuntime(RuntimeConfiguration(workers: 1, maxBatchSize: 4)) { runtime in
            #expect(await runtime.waitUntilSettled(timeout: .seconds(30)).state == .ready)
            async let answers = withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 { group.addTask { try await runtime.score(request("\(index)")).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            try await Task.sleep(for: .milliseconds(5))
            await runtime.drainAndStop()
            #expect(try await answers.allSatisfy { $0 == 200 })
            #expect(runtime.currentStatus.state == .stopped)
            await #expect(throws: (any Error).self) { try await runtime.score(request("late")) }
        }
    }
}
