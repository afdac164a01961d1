import KeelCore
import Testing
@testable import KeelTracking

/// Metric blocks keep every observation exactly, and refuse bytes they did not write.
@Suite("Metric blocks")
struct MetricBlockTests {
    private static let extremes: [Int64] = [.min, .min + 1, -1, 0, 1, .max - 1, .max]

    private static func points(_ metrics: [Metric]) -> [MetricBlock.Point] {
        metrics.map { MetricBlock.Point(step: $0.step, timestamp: $0.timestamp, value: $0.value) }
    }

    @Test("every value's bits, and steps and timestamps anywhere in Int64, come back in the order logged")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let specials: [Double] = [.nan, -.nan, .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<200 {
            let metrics = (0..<Int.random(in: 1...1000, using: &generator)).map { _ in
                Metric(
                    key: "k",
                    value: Bool.random(using: &generator) ? specials.randomElement(using: &generator)!
                        : Double.random(in: -1e9...1e9, using: &generator),
                    timestamp: Bool.random(using: &generator) ? Self.extremes.randomElement(using: &generator)!
                        : Int64.random(in: 1_700_000_000_000...1_800_000_000_000, using: &generator),
                    step: Bool.random(using: &generator) ? Self.extremes.randomElement(using: &generator)!
                        : Int64.random(in: -5...1_000, using: &generator)
                )
            }
            let decoded = try MetricBlock.decode(MetricBlock.encode(metrics))
            #expect(decoded.map(\.step) == metrics.map(\.step))
            #expect(decoded.map(\.timestamp) == metrics.map(\.timestamp))
            #expect(decoded.map(\.value.bitPattern) == metrics.map(\.value.bitPattern))
        }
    }

    @Test("a training loop's steps take about ten bytes a point")
    func compact() {
        let metrics = (0..<50).map { Metric(key: "loss", value: 1 / Double($0 + 1), timestamp: 1_750_000_000_000 + Int64($0), step: Int64($0)) }
        #expect(MetricBlock.encode(metrics).count <= 50 * 10 + 10)
    }

    @Test("bytes cut short, of another layout, with leftovers or an impossible count are an error, not points")
    func corrupt() throws {
        let bytes = MetricBlock.encode([Metric(key: "k", value: 1, timestamp: 5, step: 1), Metric(key: "k", value: 2, timestamp: 7, step: 2)])
        for cut in 0..<bytes.count {
            #expect(throws: KeelError.self) { try MetricBlock.decode(Array(bytes[..<cut])) }
        }
        #expect(throws: KeelError.self) { try MetricBlock.decode([2] + bytes.dropFirst()) }
        #expect(throws: KeelError.self) { try MetricBlock.decode(bytes + [0]) }
        #expect(throws: KeelError.self) { try MetricBlock.decode([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }
        #expect(throws: KeelError.self) { try MetricBlock.decode([1] + Array(repeating: 0xFF, count: 11)) }
        #expect(try MetricBlock.decode(MetricBlock.encode([Metric]())) == [])
    }

    @Test("only a key logged more than once in a request, without a model or dataset, is packed")
    func partition() {
        let metrics = [
            Metric(key: "loss", value: 1, timestamp: 1, step: 0),
            Metric(key: "once", value: 1, timestamp: 1, step: 0),
            Metric(key: "acc", value: 1, timestamp: 1, step: 0, modelID: "m-1"),
            Metric(key: "loss", value: 2, timestamp: 2, step: 1),
            Metric(key: "acc", value: 2, timestamp: 2, step: 1, modelID: "m-1"),
            Metric(key: "f1", value: 1, timestamp: 1, step: 0, datasetName: "eval", datasetDigest: "d"),
            Metric(key: "loss", value: 3, timestamp: 3, step: 2),
        ]
        let (rows, blocks) = MetricWriter.partition(metrics)
        #expect(blocks.map { $0.map(\.value) } == [[1, 2, 3]])
        #expect(blocks.allSatisfy { $0.allSatisfy { $0.key == "loss" } })
        #expect(Set(rows.map { "\($0.key)@\($0.step)" }) == ["once@0", "acc@0", "acc@1", "f1@0"])
        #expect(rows.count + blocks.joined().count == metrics.count)
    }

    @Test("many keys, past the linear search: each packed once, none lost", arguments: [3, KeyPositions.linearSearchLimit + 5])
    func manyKeys(keyCount: Int) {
        let metrics = (0..<(keyCount * 4)).map { Metric(key: "k\($0 % keyCount)", value: Double($0), timestamp: 1, step: Int64($0)) }
        let (rows, blocks) = MetricWriter.partition(metrics)
        #expect(rows.isEmpty && blocks.count == keyCount)
        for block in blocks {
            #expect(block.count == 4 && Set(block.map(\.key)).count == 1)
            #expect(block.map(\.step) == block.map(\.step).sorted())
        }
    }
}
