import Foundation
import KeelCore
import KeelTestSupport
import SQLKit
import Testing
@testable import KeelTracking

/// Run search tokens that resume after the previous page's last run (``RunSeek``) must page
/// exactly like offsets do: same runs, same order, no overlap, whatever the page size.
@Suite("Run seek paging")
struct RunSeekPagingTests {
    /// 23 runs with tied metric values, tied start times, a NaN, an infinity and runs without
    /// the metric, so every tie-breaker and both parts of a metric-ordered page are crossed.
    private static func seed(_ tracking: TrackingService) async throws -> Int64 {
        let experiment = try await tracking.createExperiment(name: "seek", artifactLocation: nil, tags: [])
        for index in 0..<23 {
            let run = try await tracking.createRun(
                experimentID: experiment, userID: nil, runName: "r\(index)", startTime: Int64(index / 2), tags: []
            )
            try await tracking.logParam(runID: run.info.runID, param: KeyValue(key: "p", value: "v\(index % 4)"))
            let value: Double? = switch index {
            case 5: .nan
            case 6: .infinity
            case 17...: nil
            default: Double(index % 3)
            }
            if let value {
                try await tracking.logMetric(runID: run.info.runID, metric: Metric(key: "m", value: value, timestamp: 1, step: 0))
            }
        }
        return experiment
    }

    /// One page of the seeded experiment's runs.
    private static func page(
        _ tracking: TrackingService, _ experiment: Int64, filter: String? = nil, size: Int, order: [String], token: String?
    ) async throws -> (runs: [Run], nextPageToken: String?) {
        try await tracking.searchRuns(
            experimentIDs: [experiment], filter: filter, viewType: .activeOnly, maxResults: size, orderBy: order, pageToken: token
        )
    }

    private static let orders: [[String]] = [
        [], ["attributes.start_time DESC"], ["metrics.m DESC"], ["metrics.m ASC"],
        ["metrics.m DESC", "attributes.start_time DESC"], ["params.p ASC"], ["attributes.start_time ASC"],
    ]

    @Test("walking the tokens gives the one-page order for every page size", arguments: TestBackend.enabled)
    func walkMatchesOnePage(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let experiment = try await Self.seed(tracking)
            for order in Self.orders {
                for filter in [nil, "params.p != 'v1'"] {
                    let all = try await Self.page(tracking, experiment, filter: filter, size: 1000, order: order, token: nil)
                        .runs.map(\.info.runID)
                    for size in 1...7 {
                        var seen: [String] = []
                        var token: String?
                        repeat {
                            let page = try await Self.page(tracking, experiment, filter: filter, size: size, order: order, token: token)
                            seen += page.runs.map(\.info.runID)
                            if let next = page.nextPageToken {
                                #expect(try PageToken(decoding: next).offset == seen.count)
                            }
                            token = page.nextPageToken
                        } while token != nil
                        #expect(seen == all, "order \(order), filter \(filter ?? "none"), page size \(size)")
                    }
                }
            }
        }
    }

    @Test("seekable orders hand out seek tokens; an offset-only token reaches the same page", arguments: TestBackend.enabled)
    func offsetTokensStillWork(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let experiment = try await Self.seed(tracking)
            for order in Self.orders {
                let seekable = !order.contains("params.p ASC") && !order.contains("attributes.start_time ASC")
                var token: String?
                var seeks = 0
                for _ in 0..<4 {
                    let page = try await Self.page(tracking, experiment, size: 5, order: order, token: token)
                    guard let next = page.nextPageToken else { break }
                    let decoded = try PageToken(decoding: next)
                    // Page 2 of `metrics.m DESC` ends on the infinity, which cannot travel in JSON.
                    if !seekable { #expect(decoded.seek == nil, "\(order)") }
                    if decoded.seek != nil { seeks += 1 }
                    let viaSeek = try await Self.page(tracking, experiment, size: 5, order: order, token: next)
                    let viaOffset = try await Self.page(tracking, experiment, size: 5, order: order, token: PageToken(offset: decoded.offset).encoded)
                    #expect(viaSeek.runs.map(\.info.runID) == viaOffset.runs.map(\.info.runID), "\(order) at \(decoded.offset)")
                    token = next
                }
                if seekable { #expect(seeks >= 3, "\(order)") }
            }
            let first = try await Self.page(tracking, experiment, size: 3, order: ["metrics.m ASC"], token: nil)
            let seek = try #require(try PageToken(decoding: first.nextPageToken).seek)
            #expect(seek.metric == 0)
            #expect(seek.runID == first.runs.last?.info.runID)
        }
    }

    @Test("malformed seeks are refused as INVALID_PARAMETER_VALUE")
    func malformedSeeks() throws {
        func token(_ json: String) -> String { Data(json.utf8).base64EncodedString() }
        let bad = [
            #"{"offset": 5, "seek": {"t": 1, "r": "\#(String(repeating: "a", count: 65))"}}"#,
            #"{"offset": 5, "seek": {"m": "high", "t": 1, "r": "a"}}"#,
            #"{"offset": 5, "seek": {"m": 1}}"#,
            #"{"offset": -1, "seek": {"t": 1, "r": "a"}}"#,
        ]
        for json in bad {
            #expect(throws: KeelError.self, "\(json)") { _ = try PageToken(decoding: token(json)) }
        }
        #expect(throws: KeelError.self) { _ = try PageToken(decoding: String(repeating: "A", count: 5000)) }
        let good = try PageToken(decoding: token(#"{"offset": 5, "seek": {"m": 0.25, "t": 7, "r": "abc"}}"#))
        #expect(good == PageToken(offset: 5, seek: RunSeek(metric: 0.25, startTime: 7, runID: "abc")))
        #expect(try PageToken(decoding: good.encoded) == good)
        #expect(try PageToken(decoding: token(#"{"offset": 5}"#)) == PageToken(offset: 5))
    }

    @Test("a metric-ordered page reads the same rows from the metric index and from the experiment", arguments: TestBackend.enabled)
    func bothDriversAgree(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let tracking = TrackingService(store: store)
            let experiment = try await Self.seed(tracking)
            // Another experiment logging the same metric, so the index walk crosses it.
            let other = try await tracking.createExperiment(name: "other", artifactLocation: nil, tags: [])
            for index in 0..<5 {
                let run = try await tracking.createRun(experimentID: other, userID: nil, runName: "o\(index)", startTime: 3, tags: [])
                try await tracking.logMetric(runID: run.info.runID, metric: Metric(key: "m", value: Double(index), timestamp: 1, step: 0))
            }
            for order in Self.orders where order.first?.hasPrefix("metrics.") == true {
                for filter in [nil, "params.p != 'v1'"] {
                    let query = RunSearchQuery(
                        experimentIDs: [experiment], filter: try SearchFilter.parseRuns(filter),
                        order: try SearchOrder.parseRuns(order), viewType: .activeOnly
                    )
                    let byIndex = try #require(try query.metricOrderedPage(drivenBy: .metricIndex))
                    let byExperiment = try #require(try query.metricOrderedPage(drivenBy: .experiment))
                    let seek = RunSeek(metric: 1, startTime: 4, runID: "")
                    let pages = [
                        (try byIndex.withMetric(100, 0, nil), try byExperiment.withMetric(100, 0, nil)),
                        (try byIndex.withMetric(4, 3, nil), try byExperiment.withMetric(4, 3, nil)),
                        (try byIndex.withMetric(100, 0, seek), try byExperiment.withMetric(100, 0, seek)),
                    ]
                    for (viaIndex, viaExperiment) in pages {
                        let (a, b) = try await store.read { database in
                            (try await Self.runIDs(viaIndex, in: database), try await Self.runIDs(viaExperiment, in: database))
                        }
                        #expect(!a.isEmpty && a == b, "\(order) \(filter ?? "-"): \(a) vs \(b)")
                    }
                    let (countA, countB) = try await store.read { database in
                        (try await database.raw(byIndex.countWithMetric).first()?.decode(column: "count", as: Int.self),
                         try await database.raw(byExperiment.countWithMetric).first()?.decode(column: "count", as: Int.self))
                    }
                    #expect(countA != nil && countA == countB)
                }
            }
            // The search itself picks the experiment-first plan for this small experiment and
            // answers as before.
            let answer = try await Self.page(tracking, experiment, size: 5, order: ["metrics.m DESC"], token: nil).runs.map(\.info.runName)
            #expect(answer == ["r6", "r14", "r11", "r8", "r2"])
        }
    }

    private static func runIDs(_ statement: SQLQueryString, in database: any SQLDatabase) async throws -> [String] {
        try await database.raw(statement).all().map { try $0.decode(column: "run_uuid", as: String.self) }
    }
}
