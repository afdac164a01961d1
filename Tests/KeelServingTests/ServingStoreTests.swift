import KeelCore
@testable import KeelServing
import KeelStore
import KeelTestSupport
import Logging
import Testing

/// Deployments and the inference log, on every enabled database.
@Suite("Serving storage")
struct ServingStoreTests {
    private func deployment(_ name: String) -> Deployment {
        Deployment(
            name: name, modelName: "churn", alias: "champion", primaryVersion: 3, followAlias: true,
            traffic: .canary(candidate: 4, percent: 10), runtime: RuntimeConfiguration(workers: 3, maxBatchSize: 32, maxBatchWaitMilliseconds: 2),
            createdAt: 1000, updatedAt: 1000
        )
    }

    @Test("deployments: insert, duplicate, update with history, delete", arguments: TestBackend.enabled)
    func deployments(backend: TestBackend) async throws {
        try await backend.withStore { metadata in
            let store = DeploymentStore(store: metadata)
            try await store.insert(deployment("churn"))
            #expect(try await store.get("churn") == deployment("churn"))
            await #expect { try await store.insert(deployment("churn")) } throws: { ($0 as? KeelError)?.code == .resourceAlreadyExists }
            let updated = try await store.update("churn", event: "promoted") { current in
                var next = current
                next.primaryVersion = 4
                next.traffic = .single
                return next
            }
            #expect(updated?.primaryVersion == 4)
            #expect(try await store.get("churn").traffic == .single)
            #expect(try await store.update("churn", event: "noop") { _ in nil } == nil)
            let events = try await store.events("churn")
            #expect(events.map(\.kind) == ["created", "promoted"])
            #expect(events.map(\.version) == [3, 4])
            try await store.delete("churn")
            await #expect { try await store.get("churn") } throws: { ($0 as? KeelError)?.code == .resourceDoesNotExist }
            await #expect { try await store.delete("churn") } throws: { ($0 as? KeelError)?.code == .resourceDoesNotExist }
            #expect(try await store.events("churn").last?.kind == "deleted")
        }
    }

    @Test("inference log: batched writes, newest first, paged", arguments: TestBackend.enabled)
    func inferenceLog(backend: TestBackend) async throws {
        try await backend.withStore { metadata in
            let writer = InferenceLogWriter(store: metadata, metrics: ServingMetrics(), logger: Logger(label: "test"), capacity: 1000)
            for index in 0..<25 {
                writer.append(InferenceRecord(
                    requestID: "r\(index)", role: index % 5 == 0 ? "shadow" : "primary", deployment: index < 20 ? "a" : "b",
                    modelVersion: "1", protocolName: "invocations", status: 200, latencyMicroseconds: 1500,
                    timestampMilliseconds: Int64(index), requestBody: "{\"n\": \(index)}", responseBody: "{\"predictions\": [1]}"
                ))
            }
            await writer.flush()
            let reader = InferenceLogReader(store: metadata)
            let first = try await reader.records(deployment: "a", maxResults: 15, pageToken: nil)
            #expect(first.records.count == 15)
            #expect(first.records.first?.requestID == "r19")
            let second = try await reader.records(deployment: "a", maxResults: 15, pageToken: first.nextPageToken)
            #expect(second.records.count == 5)
            #expect(second.nextPageToken == nil)
            #expect(second.records.last?.requestBody == "{\"n\": 0}")
            #expect(try await reader.records(deployment: nil, maxResults: 100, pageToken: nil).records.count == 25)
            await #expect(throws: KeelError.self) { try await reader.records(deployment: nil, maxResults: 0, pageToken: nil) }
            await #expect(throws: KeelError.self) { try await reader.records(deployment: nil, maxResults: 5, pageToken: "x") }
        }
    }

    @Test("a full log buffer drops new records instead of blocking", arguments: [TestBackend.sqlite])
    func bounded(backend: TestBackend) async throws {
        try await backend.withStore { metadata in
            let metrics = ServingMetrics()
            let writer = InferenceLogWriter(store: metadata, metrics: metrics, logger: Logger(label: "test"), capacity: 3)
            for index in 0..<5 {
                writer.append(InferenceRecord(
                    requestID: "r\(index)", role: "primary", deployment: "a", modelVersion: "1", protocolName: "v2", status: 200,
                    latencyMicroseconds: 1, timestampMilliseconds: 1, requestBody: nil, responseBody: nil
                ))
            }
            await writer.flush()
            let page = try await InferenceLogReader(store: metadata).records(deployment: "a", maxResults: 10, pageToken: nil)
            #expect(page.records.count == 3)
            #expect(metrics.render().contains("keel_inference_log_dropped_total 2"))
        }
    }
}

extension ServingStoreTests {
    @Test("inference-log pages stay put while new records arrive", arguments: TestBackend.enabled)
    func stablePages(backend: TestBackend) async throws {
        try await backend.withStore { metadata in
            let writer = InferenceLogWriter(store: metadata, metrics: ServingMetrics(), logger: Logger(label: "test"))
            func record(_ id: String, at time: Int64) -> InferenceRecord {
                InferenceRecord(
                    requestID: id, role: "primary", deployment: "a", modelVersion: "1", protocolName: "v2", status: 200,
                    latencyMicroseconds: 1, timestampMilliseconds: time, requestBody: nil, responseBody: nil
                )
            }
            for index in 0..<6 { writer.append(record("old\(index)", at: Int64(index / 2))) }
            await writer.flush()
            let reader = InferenceLogReader(store: metadata)
            let first = try await reader.records(deployment: "a", maxResults: 3, pageToken: nil)
            for index in 0..<4 { writer.append(record("new\(index)", at: 100)) }
            await writer.flush()
            let second = try await reader.records(deployment: "a", maxResults: 3, pageToken: first.nextPageToken)
            let seen = (first.records + second.records).map(\.requestID)
            #expect(Set(seen).count == 6)
            #expect(seen.allSatisfy { $0.hasPrefix("old") })
            #expect(second.nextPageToken == nil)
        }
    }
}
