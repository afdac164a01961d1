import KeelCore
import KeelStore
import KeelTestSupport
import Testing
@testable import KeelTracking

/// Histories read from rows and blocks together equal the plain definition: every observation
/// logged, by step then timestamp, paged without gaps or repeats.
@Suite("Metric histories from rows and blocks")
struct MetricHistoryTests {
    /// Observations sorted as a history: step, then timestamp (ties keep no promised order).
    private static func sorted(_ metrics: [Metric]) -> [Metric] {
        metrics.sorted { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
    }

    private static func signature(_ metrics: [Metric]) -> [String] {
        metrics.map { "\($0.step)/\($0.timestamp)/\($0.value.bitPattern)/\($0.modelID ?? "-")/\($0.datasetName ?? "-")" }
    }

    @Test("batches, single calls, and model and dataset metrics read back whole and in order, page by page",
          arguments: TestBackend.enabled)
    func mixedHistory(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let id = try await tracking.createRun(experimentID: 0, userID: nil, runName: "mixed", startTime: nil, tags: []).info.runID
            var generator = SystemRandomNumberGenerator()
            var logged: [Metric] = []
            for batch in 0..<6 {
                var metrics = (0..<Int.random(in: 2...120, using: &generator)).map { index in
                    Metric(key: "loss", value: index % 17 == 0 ? .nan : Double.random(in: -1...1, using: &generator),
                           timestamp: Int64(batch * 1000 + index), step: Int64.random(in: -3...300, using: &generator))
                }
                metrics.append(Metric(key: "other", value: 1, timestamp: 1, step: 1))
                if batch == 2 {
                    metrics.append(Metric(key: "loss", value: 0.5, timestamp: 9, step: 4, datasetName: "eval", datasetDigest: "abc"))
                }
                try await tracking.logBatch(runID: id, metrics: metrics, params: [], tags: [])
                logged += metrics.filter { $0.key == "loss" }
                let single = Metric(key: "loss", value: Double(batch), timestamp: Int64(batch), step: Int64(batch * 50))
                try await tracking.logMetric(runID: id, metric: single)
                logged.append(single)
            }
            let whole = try await tracking.metricHistory(runID: id, key: "loss", maxResults: nil, pageToken: nil)
            #expect(whole.nextPageToken == nil)
            #expect(Self.signature(Self.sorted(whole.metrics)) == Self.signature(whole.metrics), "in step, timestamp order")
            #expect(Self.signature(whole.metrics).sorted() == Self.signature(logged).sorted(), "every observation, once")

            var paged: [Metric] = []
            var token: String?
            repeat {
                let page = try await tracking.metricHistory(runID: id, key: "loss", maxResults: 37, pageToken: token)
                #expect(page.metrics.count <= 37)
                paged += page.metrics
                token = page.nextPageToken
            } while token != nil
            #expect(Self.signature(paged) == Self.signature(whole.metrics))
        }
    }

    @Test("several runs' histories stop at the limit, and say so", arguments: TestBackend.enabled)
    func limitedHistories(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            var ids: [String] = []
            for run in 0..<3 {
                let id = try await tracking.createRun(experimentID: 0, userID: nil, runName: "r\(run)", startTime: nil, tags: []).info.runID
                ids.append(id)
                let batch = ["a", "b"].flatMap { key in
                    (0..<40).map { Metric(key: key, value: Double($0), timestamp: 1, step: Int64($0)) }
                }
                try await tracking.logBatch(runID: id, metrics: batch, params: [], tags: [])
                try await tracking.logMetric(runID: id, metric: Metric(key: "a", value: -1, timestamp: 2, step: 40))
            }
            let all = try await tracking.metricHistories(runIDs: ids, limit: 1000)
            #expect(!all.truncated)
            #expect(all.histories.count == 3)
            for id in ids {
                #expect(all.histories[id]?["a"]?.map(\.step) == Array(0...40))
                #expect(all.histories[id]?["b"]?.map(\.step) == Array(0..<40))
            }
            let someKeys = try await tracking.metricHistories(runIDs: ids, keys: ["b"], limit: 1000)
            #expect(someKeys.histories.values.allSatisfy { $0.keys.sorted() == ["b"] } && !someKeys.truncated)

            let limited = try await tracking.metricHistories(runIDs: ids, limit: 100)
            #expect(limited.truncated)
            let points = limited.histories.values.flatMap(\.values).map(\.count).reduce(0, +)
            #expect(points == 100)
            // What it keeps is the start of the history in (run, key, step) order.
            let first = ids.sorted()[0]
            #expect(limited.histories[first]?["a"]?.map(\.step) == Array(0...40))
            #expect(limited.histories[first]?["b"]?.map(\.step) == Array(0..<40))
            #expect(try await tracking.metricHistories(runIDs: ids, limit: 243).truncated == false)
            #expect(try await tracking.metricHistories(runIDs: ids, limit: 242).truncated)
        }
    }
}
