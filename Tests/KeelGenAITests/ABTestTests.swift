import Foundation
import KeelCore
@testable import KeelGenAI
import Testing

@Suite("A/B splits")
struct ABTestTests {
    static func split(_ weights: [(Int64, Double)]) throws -> ABTest {
        try ABTest(name: "support-bot", arms: weights.enumerated().map { ABTest.Arm(label: ABTest.label(at: $0), version: $1.0, weight: $1.1) })
    }

    @Test("a key always lands on the same arm, and keys split by weight")
    func stickyAndWeighted() throws {
        let test = try Self.split([(3, 70), (4, 30)])
        let arms = (0..<20_000).map { test.arm(for: "user-\($0)").version }
        #expect((0..<200).allSatisfy { test.arm(for: "user-\($0)").version == arms[$0] })
        let share = Double(arms.filter { $0 == 4 }.count) / Double(arms.count)
        // Binomial(20000, 0.3): the standard deviation of the share is 0.0032.
        #expect(abs(share - 0.3) < 0.016, "share of version 4: \(share)")
        // Another test name hashes the same keys independently.
        let other = try ABTest(name: "other-bot", arms: test.arms)
        #expect((0..<2000).contains { other.arm(for: "user-\($0)").version != arms[$0] })
    }

    @Test("a stored split reads back; a mangled tag is a clear error")
    func tagRoundTrip() throws {
        let test = try Self.split([(1, 1), (2, 3), (5, 0.5)])
        #expect(try ABTest.decode(try test.encoded(), name: "support-bot") == test)
        #expect(throws: KeelError.self) { try ABTest.decode("{\"arms\": 3}", name: "support-bot") }
        #expect(throws: KeelError.self) { try ABTest.decode("{\"name\": \"x\", \"arms\": []}", name: "support-bot") }
    }

    @Test("invalid splits are refused", arguments: [
        [(Int64(1), 1.0)],
        [(1, 1), (1, 2)],
        [(1, 0), (2, 1)],
        [(1, -1), (2, 1)],
        [(1, .infinity), (2, 1)],
        [(1, .nan), (2, 1)],
        (1...11).map { (Int64($0), 1.0) },
    ])
    func invalid(weights: [(Int64, Double)]) {
        #expect(throws: KeelError.self) { try Self.split(weights) }
    }
}

@Suite("Prompt links")
struct PromptLinksTests {
    @Test("MLflow's mlflow.linkedPrompts tag is read leniently")
    func parse() {
        #expect(PromptLinks.parse(#"[{"name": "qa", "version": "3"}, {"name": "sum", "version": 1}]"#)
            == [PromptVersionRef(name: "qa", version: 3), PromptVersionRef(name: "sum", version: 1)])
        #expect(PromptLinks.parse(#"[{"name": "qa"}, {"version": "2"}, {"name": "", "version": "2"}, {"name": "x", "version": "two"}]"#).isEmpty)
        #expect(PromptLinks.parse("not json").isEmpty)
        #expect(PromptLinks.parse(#"{"name": "qa", "version": "3"}"#).isEmpty)
    }

    @Test("merging keeps what is there and appends what is new, in MLflow's format")
    func merge() {
        let current = #"[{"name": "qa", "version": "3"}]"#
        #expect(PromptLinks.merge(current, adding: [PromptVersionRef(name: "qa", version: 3)]) == current)
        let merged = PromptLinks.merge(current, adding: [PromptVersionRef(name: "qa", version: 4), PromptVersionRef(name: "qa", version: 4)])
        #expect(PromptLinks.parse(merged) == [PromptVersionRef(name: "qa", version: 3), PromptVersionRef(name: "qa", version: 4)])
        #expect(PromptLinks.merge(nil, adding: [PromptVersionRef(name: "a", version: 1)]) == #"[{"name":"a","version":"1"}]"#)
    }
}

@Suite("Trace timestamps")
struct TraceTimestampTests {
    @Test("RFC 3339 parses by hand as it is written, with offsets and any fraction")
    func rfc3339() {
        #expect(TraceInfo.millis(rfc3339: "2026-11-24T00:13:47.120Z") == 1_795_479_227_120)
        #expect(TraceInfo.timestamp(1_795_479_227_120) == "2026-11-24T00:13:47.120Z")
        #expect(TraceInfo.millis(rfc3339: "2026-11-24T01:13:47.1204567+01:00") == 1_795_479_227_120)
        #expect(TraceInfo.millis(rfc3339: "1969-12-31T23:59:59.999Z") == -1)
        #expect(TraceInfo.timestamp(-1) == "1969-12-31T23:59:59.999Z")
        for bad in ["2026-11-24", "2026-13-01T00:00:00Z", "2026-11-24T00:00:00", "2026-11-24T00:00:00.Z", "2026-11-24T00:00:00Zx"] {
            #expect(TraceInfo.millis(rfc3339: bad) == nil, "\(bad)")
        }
    }
}
