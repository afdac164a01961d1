import Foundation
import Hummingbird
import KeelCore
import KeelGenAI

/// MLflow 3's assessment routes (`mlflow.log_feedback`, `log_expectation`, `get_assessment`,
/// `update_assessment`, `override_feedback`, `delete_assessment`) under
/// `/api/3.0/mlflow/traces/{trace_id}/assessments`, and Keel's one-call feedback route for
/// applications: `POST /api/2.0/keel/traces/{trace_id}/feedback`.
struct AssessmentsController: Sendable {
    typealias Context = KeelRequestContext
    let assessments: AssessmentService

    func addRoutes(v3 group: RouterGroup<Context>) {
        group.post("traces/{trace_id}/assessments", use: create)
        group.get("traces/{trace_id}/assessments/{assessment_id}", use: get)
        group.patch("traces/{trace_id}/assessments/{assessment_id}", use: update)
        group.delete("traces/{trace_id}/assessments/{assessment_id}", use: delete)
    }

    func addRoutes(keel group: RouterGroup<Context>) {
        group.post("traces/{trace_id}/feedback", use: feedback)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await TracesController.object(request, context: context)
        guard let assessment = body["assessment"] as? [String: Any] else { throw KeelError.invalidParameter("The body must be {\"assessment\": {...}}.") }
        let created = try await assessments.create(traceID: try context.parameters.require("trace_id"), assessment, now: Self.now())
        return ServingHTTP.json(["assessment": created])
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let found = try await assessments.get(
            traceID: try context.parameters.require("trace_id"), assessmentID: try context.parameters.require("assessment_id")
        )
        return ServingHTTP.json(["assessment": found])
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await TracesController.object(request, context: context)
        guard let changes = body["assessment"] as? [String: Any], let mask = body["update_mask"] as? String else {
            throw KeelError.invalidParameter("The body must be {\"assessment\": {...}, \"update_mask\": \"feedback,rationale\"}.")
        }
        let updated = try await assessments.update(
            traceID: try context.parameters.require("trace_id"), assessmentID: try context.parameters.require("assessment_id"),
            with: changes, mask: mask, now: Self.now()
        )
        return ServingHTTP.json(["assessment": updated])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await assessments.delete(traceID: try context.parameters.require("trace_id"), assessmentID: try context.parameters.require("assessment_id"))
        return ServingHTTP.json([:])
    }

    /// `{"value": "up"|"down"|true|false|<number>, "name": "user_feedback", "user": "...",
    /// "comment": "...", "span_id": "..."}`: a HUMAN feedback assessment, for applications that
    /// collect thumbs from their users.
    @Sendable func feedback(_ request: Request, context: Context) async throws -> Response {
        let body = try await TracesController.object(request, context: context)
        let value: Any
        switch body["value"] {
        case let text as String where ["up", "thumbs_up", "yes", "good"].contains(text.lowercased()): value = true
        case let text as String where ["down", "thumbs_down", "no", "bad"].contains(text.lowercased()): value = false
        case let number as NSNumber: value = number
        default: throw KeelError.invalidParameter("value must be \"up\", \"down\", true, false or a number.")
        }
        var assessment: [String: Any] = [
            "assessment_name": body["name"] as? String ?? "user_feedback",
            "source": ["source_type": "HUMAN", "source_id": body["user"] as? String ?? context.identity?.username ?? "anonymous"],
            "feedback": ["value": value],
        ]
        if let comment = body["comment"] as? String { assessment["rationale"] = comment }
        if let span = body["span_id"] as? String { assessment["span_id"] = span }
        let created = try await assessments.create(traceID: try context.parameters.require("trace_id"), assessment, now: Self.now())
        return ServingHTTP.json(["assessment": created])
    }

    static func now() -> String { TraceInfo.timestamp(Timestamp.nowMillis()) }
}
