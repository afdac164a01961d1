import KeelCore
public import KeelRegistry
public import KeelStore
import KeelTracking

/// Feedback and usage of prompt and model versions over time, A/B splits between versions, and
/// the significance of their differences: the GenAI side of the monitoring loop.
public struct GenAIFeedbackService: Sendable {
    let registry: RegistryService
    let store: FeedbackStore

    /// The widest window a summary reads.
    public static let maxWindowMilliseconds: Int64 = 366 * 86_400_000
    /// The most time buckets one summary returns.
    public static let maxBuckets: Int64 = 1000

    /// Creates the service over a metadata store and the registry.
    public init(store: any MetadataStore, registry: RegistryService) {
        self.registry = registry
        self.store = FeedbackStore(store: store)
    }

    /// Whether `name` is a prompt or a model; 404 when it is neither.
    public func subject(_ name: String) async throws -> GenAISubject {
        let model = try await registry.registeredModel(name: name)
        let isPrompt = model.tags.contains { $0.key == "mlflow.prompt.is_prompt" && $0.value.lowercased() == "true" }
        return GenAISubject(name: name, kind: isPrompt ? .prompt : .model)
    }

    /// Per-version statistics in `[start, end)`, one entry per version and bucket, oldest first.
    public func timeline(
        _ name: String, versions: [Int64]? = nil, start: Int64, end: Int64, bucketMilliseconds: Int64?
    ) async throws -> (subject: GenAISubject, buckets: [ArmBucket]) {
        try Self.check(start: start, end: end, bucket: bucketMilliseconds)
        let subject = try await subject(name)
        return (subject, try await store.statistics(subject, versions: versions, start: start, end: end, bucket: bucketMilliseconds))
    }

    /// How many traces used a version, when, and in which experiments.
    public func usage(name: String, version: Int64) async throws -> TraceUsage {
        try await store.usage(try await subject(name), version: version)
    }

    /// Compares two versions over `[start, end)`: versions `a` and `b` when given, else the first
    /// two arms of the name's A/B test.
    public func compare(_ name: String, a: Int64?, b: Int64?, start: Int64, end: Int64) async throws -> ArmComparison {
        try Self.check(start: start, end: end, bucket: nil)
        let subject = try await subject(name)
        let arms: (ABTest.Arm, ABTest.Arm)
        switch (a, b) {
        case let (a?, b?):
            guard a != b else { throw KeelError.invalidParameter("Compare two different versions, got \(a) twice.") }
            for version in [a, b] { _ = try await registry.modelVersion(name: name, version: version) }
            let test = try await abTest(name, required: false)
            func arm(_ version: Int64, _ fallback: String) -> ABTest.Arm {
                test?.arms.first { $0.version == version } ?? ABTest.Arm(label: fallback, version: version, weight: 1)
            }
            arms = (arm(a, "A"), arm(b, "B"))
        case (nil, nil):
            guard let test = try await abTest(name, required: false) else {
                throw KeelError.invalidParameter("'\(name)' has no A/B test: name the two versions to compare (a and b).")
            }
            guard test.arms.count == 2 else {
                throw KeelError.invalidParameter("The A/B test on '\(name)' has \(test.arms.count) arms: name the two versions to compare (a and b).")
            }
            arms = (test.arms[0], test.arms[1])
        default:
            throw KeelError.invalidParameter("Give both versions to compare (a and b), or neither to use the A/B test.")
        }
        let buckets = try await store.statistics(subject, versions: [arms.0.version, arms.1.version], start: start, end: end, bucket: nil)
        func statistics(_ arm: ABTest.Arm) -> ArmStatistics {
            buckets.first { $0.statistics.version == arm.version }?.statistics ?? ArmStatistics(version: arm.version)
        }
        return ArmComparison(
            subject: subject, start: start, end: end,
            a: .init(label: arms.0.label, statistics: statistics(arms.0)), b: .init(label: arms.1.label, statistics: statistics(arms.1))
        )
    }

    static func check(start: Int64, end: Int64, bucket: Int64?) throws(KeelError) {
        guard start < end else { throw .invalidParameter("The window's start must be before its end.") }
        guard end - start <= maxWindowMilliseconds else { throw .invalidParameter("The window may span at most 366 days.") }
        if let bucket {
            guard bucket > 0 else { throw .invalidParameter("bucket must be positive.") }
            guard (end - start) / bucket < maxBuckets else {
                throw .invalidParameter("The window holds more than \(maxBuckets) buckets; choose a wider bucket.")
            }
        }
    }
}
