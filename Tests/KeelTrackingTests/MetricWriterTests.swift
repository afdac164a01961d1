import Testing
@testable import KeelTracking

/// The newest value per key decides `latest_metrics`, which run search orders and filters by.
@Suite("Metric writer")
struct MetricWriterTests {
    /// The plain definition: for each key in order of first appearance, the greatest observation
    /// in MLflow's (step, timestamp, value) order.
    private static func reference(_ metrics: [Metric]) -> [Metric] {
        var keys: [String] = []
        for metric in metrics where !keys.contains(metric.key) { keys.append(metric.key) }
        return keys.map { key in
            metrics.filter { $0.key == key }.reduce(nil as Metric?) { best, metric in
                guard let best else { return metric }
                return MetricWriter.isNewer(metric, than: best) ? metric : best
            }!
        }
    }

    @Test("the newest per key matches the definition, for few keys and for more than the linear search takes",
          arguments: [1, 2, KeyPositions.linearSearchLimit, KeyPositions.linearSearchLimit + 1, 40])
    func newestPerKey(keyCount: Int) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let metrics = (0..<Int.random(in: 1...300, using: &generator)).map { _ in
                Metric(
                    key: "k\(Int.random(in: 0..<keyCount, using: &generator))",
                    value: Bool.random(using: &generator) ? .nan : Double(Int.random(in: -3...3, using: &generator)),
                    timestamp: Int64.random(in: 0...3, using: &generator),
                    step: Int64.random(in: -2...2, using: &generator)
                )
            }
            let newest = MetricWriter.newestPerKey(metrics)
            let expected = Self.reference(metrics)
            #expect(newest.map(\.key) == expected.map(\.key))
            for (found, wanted) in zip(newest, expected) {
                #expect(found.step == wanted.step && found.timestamp == wanted.timestamp)
                #expect(found.value == wanted.value || (found.value.isNaN && wanted.value.isNaN))
            }
        }
    }
}
