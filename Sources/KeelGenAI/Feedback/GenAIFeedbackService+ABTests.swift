import KeelCore
import KeelTracking

extension GenAIFeedbackService {
    /// Sets (or replaces) the A/B test on a prompt or model; every arm's version must exist.
    public func setABTest(_ test: ABTest) async throws -> ABTest {
        _ = try await subject(test.name)
        for arm in test.arms { _ = try await registry.modelVersion(name: test.name, version: arm.version) }
        try await registry.setRegisteredModelTag(name: test.name, tag: KeyValue(key: ABTest.tag, value: try test.encoded()))
        return test
    }

    /// The A/B test on a name: 404 when there is none and `required`, else nil.
    public func abTest(_ name: String, required: Bool = true) async throws -> ABTest? {
        let model = try await registry.registeredModel(name: name)
        guard let text = model.tags.first(where: { $0.key == ABTest.tag })?.value else {
            if required { throw KeelError.notFound("'\(name)' has no A/B test.") }
            return nil
        }
        return try ABTest.decode(text, name: name)
    }

    /// Ends the A/B test on a name; the traces and feedback it gathered stay.
    public func deleteABTest(_ name: String) async throws {
        _ = try await abTest(name)
        try await registry.deleteRegisteredModelTag(name: name, key: ABTest.tag)
    }

    /// The arm a caller's key is sticky to, with the URI its version loads by.
    public func assign(_ name: String, key: String) async throws -> (subject: GenAISubject, arm: ABTest.Arm, uri: String) {
        guard !key.isEmpty, key.utf8.count <= 1024 else { throw KeelError.invalidParameter("key must be 1 to 1024 bytes.") }
        guard let test = try await abTest(name) else { throw KeelError.notFound("'\(name)' has no A/B test.") }
        let subject = try await subject(name)
        let arm = test.arm(for: key)
        return (subject, arm, subject.uri(version: arm.version))
    }
}
