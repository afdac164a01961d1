import KeelCore
import KeelTestSupport
import KeelTracking
import Testing
@testable import KeelGenAI

/// Trace ingest looks an experiment up once and then remembers it; it never remembers absence.
@Suite("Known experiments")
struct KnownExperimentsTests {
    @Test("an unknown experiment stays refused; a created one is accepted, also from memory", arguments: TestBackend.enabled)
    func existenceIsRememberedNotAbsence(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let traces = TraceService(store: store)
            let tracking = TrackingService(store: store)
            func start(_ experiment: Int64, _ index: Int) async throws -> TraceInfo {
                let id = "tr-" + String(repeating: "0", count: 31) + String(index)
                return try await traces.start(TraceInfo(traceID: id, experimentID: experiment, requestTime: 1, executionDuration: 2, state: "OK"))
            }
            await #expect(throws: KeelError.self) { _ = try await start(424_242, 1) }
            let experiment = try await tracking.createExperiment(name: "known", artifactLocation: nil, tags: [])
            #expect(try await start(experiment, 2).experimentID == experiment)
            #expect(try await start(experiment, 3).tags[TraceInfo.spansLocationTag] == "TRACKING_STORE")
            await #expect(throws: KeelError.self) { _ = try await start(424_242, 4) }
        }
    }

    @Test("the memory is bounded: when full it starts over")
    func bounded() {
        let known = KnownExperiments(capacity: 3)
        for id in 1...3 { known.remember(Int64(id)) }
        #expect((1...3).allSatisfy { known.contains(Int64($0)) })
        known.remember(4)
        #expect(known.contains(4))
        #expect(!known.contains(1))
    }
}
