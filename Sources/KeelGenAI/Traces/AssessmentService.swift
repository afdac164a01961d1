import Foundation
import KeelCore
public import KeelStore

/// Feedback and expectations on traces (MLflow 3 assessments): from people, LLM judges or code,
/// on a whole trace or one span. An assessment that overrides another marks it `valid: false`.
///
/// Assessments travel as MLflow's proto-JSON objects; the server fills in the id
/// (`a-` and 32 hex digits), the times and `valid`.
public struct AssessmentService: Sendable {
    let store: AssessmentStore

    public init(store: any MetadataStore) {
        self.store = AssessmentStore(store: store)
    }

    static let sourceTypes: Set<String> = ["HUMAN", "LLM_JUDGE", "CODE", "SOURCE_TYPE_UNSPECIFIED"]
    /// Update-mask paths, in MLflow's camelCase and its snake_case.
    static let updatable: [String: String] = [
        "assessmentName": "assessment_name", "assessment_name": "assessment_name", "feedback": "feedback", "expectation": "expectation",
        "rationale": "rationale", "metadata": "metadata",
    ]

    /// Creates an assessment on `traceID`; returns it as stored.
    public func create(traceID: String, _ assessment: [String: Any], now: String) async throws -> [String: Any] {
        var assessment = assessment
        try Self.validate(assessment)
        if let named = assessment["trace_id"] as? String, named != traceID {
            throw KeelError.invalidParameter("The assessment names trace '\(named)' but was sent to trace '\(traceID)'.")
        }
        assessment["trace_id"] = traceID
        assessment["assessment_id"] = "a-" + Identifiers.newHexID()
        assessment["valid"] = true
        assessment["create_time"] = assessment["create_time"] ?? now
        assessment["last_update_time"] = now
        let overrides = (assessment["overrides"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        try await store.insert(assessment, overriding: overrides)
        return assessment
    }

    public func get(traceID: String, assessmentID: String) async throws -> [String: Any] {
        try await store.get(assessmentID, trace: traceID)
    }

    /// Applies the fields named by `mask` (comma-separated, camelCase or snake_case).
    public func update(traceID: String, assessmentID: String, with changes: [String: Any], mask: String, now: String) async throws -> [String: Any] {
        let paths = try mask.split(separator: ",").map { raw -> String in
            let path = raw.trimmingCharacters(in: .whitespaces)
            guard let field = Self.updatable[path] else {
                throw KeelError.invalidParameter("Cannot update '\(path)'; update_mask takes assessmentName, feedback, expectation, rationale or metadata.")
            }
            return field
        }
        guard !paths.isEmpty else { throw KeelError.invalidParameter("update_mask names no field.") }
        let sendable = try AssessmentStore.text(changes)
        let text = try await store.update(assessmentID, trace: traceID) { currentText in
            let changes = AssessmentStore.object(sendable) ?? [:]
            var updated = AssessmentStore.object(currentText) ?? [:]
            for path in paths { updated[path] = changes[path] }
            if updated["feedback"] != nil, updated["expectation"] != nil {
                throw KeelError.invalidParameter("An assessment is feedback or an expectation, not both.")
            }
            updated["last_update_time"] = now
            try Self.validate(updated)
            return (try AssessmentStore.text(updated), updated["assessment_name"] as? String ?? "")
        }
        return AssessmentStore.object(text) ?? [:]
    }

    public func delete(traceID: String, assessmentID: String) async throws {
        try await store.delete(assessmentID, trace: traceID)
    }

    static func validate(_ assessment: [String: Any]) throws {
        guard let name = assessment["assessment_name"] as? String, !name.isEmpty, name.count <= 250 else {
            throw KeelError.invalidParameter("An assessment needs an assessment_name of 1 to 250 characters.")
        }
        guard (assessment["feedback"] == nil) != (assessment["expectation"] == nil) else {
            throw KeelError.invalidParameter("An assessment carries exactly one of feedback or expectation.")
        }
        if let source = assessment["source"] as? [String: Any], let type = source["source_type"] as? String, !sourceTypes.contains(type) {
            throw KeelError.invalidParameter("source.source_type must be HUMAN, LLM_JUDGE or CODE, got '\(type)'.")
        }
        if let span = assessment["span_id"] as? String, !span.isEmpty, span.count != 16 || !span.allSatisfy(\.isHexDigit) {
            throw KeelError.invalidParameter("span_id must be 16 hex digits, got '\(span)'.")
        }
    }
}
