import Foundation
import KeelCore
import KeelStore
import SQLKit

/// The `trace_assessments` table: each assessment's MLflow proto-JSON, with its trace, name,
/// kind, source and validity as columns.
struct AssessmentStore: Sendable {
    let store: any MetadataStore

    func insert(_ assessment: [String: Any], overriding old: String?) async throws {
        let content = try Self.text(assessment)
        let traceID = assessment["trace_id"] as? String ?? ""
        let id = assessment["assessment_id"] as? String ?? ""
        let name = assessment["assessment_name"] as? String ?? ""
        let kind = assessment["expectation"] != nil ? "expectation" : "feedback"
        let sourceType = (assessment["source"] as? [String: Any])?["source_type"] as? String ?? "SOURCE_TYPE_UNSPECIFIED"
        let score = Self.score(of: assessment)
        try await store.write { database in
            guard try await database.select().column("trace_id").from("traces").where("trace_id", .equal, traceID).first() != nil else {
                throw KeelError.notFound("Trace with ID '\(traceID)' not found.")
            }
            if let old {
                guard let text = try await Self.content(old, in: database), var previous = Self.object(text), previous["trace_id"] as? String == traceID else {
                    throw KeelError.notFound("Assessment with ID '\(old)' not found.")
                }
                previous["valid"] = false
                try await database.update("trace_assessments").set("valid", to: Int64(0)).set("content", to: try Self.text(previous))
                    .where("assessment_id", .equal, old).run()
            }
            try await database.insert(into: "trace_assessments")
                .columns("assessment_id", "trace_id", "name", "kind", "source_type", "valid", "created_at", "content", "value_type", "score")
                .values(
                    SQLBind(id), SQLBind(traceID), SQLBind(name), SQLBind(kind), SQLBind(sourceType),
                    SQLBind(Int64(1)), SQLBind(Timestamp.nowMillis()), SQLBind(content), SQLBind(score?.type), SQLBind(score?.value)
                ).run()
            try await TraceStore.invalidate([traceID], in: database)
        }
    }

    func get(_ id: String, trace: String) async throws -> [String: Any] {
        let text = try await store.read { database in try await Self.content(id, in: database) }
        guard let found = text.flatMap(Self.object), found["trace_id"] as? String == trace else {
            throw KeelError.notFound("Assessment with ID '\(id)' not found.")
        }
        return found
    }

    /// Replaces an assessment's content, inside one transaction with the read it changes;
    /// `change` takes and returns proto-JSON text.
    func update(_ id: String, trace: String, _ change: @escaping @Sendable (String) throws -> (text: String, name: String)) async throws -> String {
        try await store.write { database in
            guard let current = try await Self.content(id, in: database), Self.object(current)?["trace_id"] as? String == trace else {
                throw KeelError.notFound("Assessment with ID '\(id)' not found.")
            }
            let updated = try change(current)
            let score = Self.object(updated.text).flatMap(Self.score(of:))
            try await database.update("trace_assessments").set("content", to: updated.text)
                .set("name", to: updated.name).set("value_type", to: SQLBind(score?.type)).set("score", to: SQLBind(score?.value))
                .where("assessment_id", .equal, id).run()
            try await TraceStore.invalidate([trace], in: database)
            return updated.text
        }
    }

    func delete(_ id: String, trace: String) async throws {
        try await store.write { database in
            let deleted = try await database.delete(from: "trace_assessments").where("assessment_id", .equal, id).where("trace_id", .equal, trace)
                .returning("assessment_id").all()
            guard !deleted.isEmpty else { throw KeelError.notFound("Assessment with ID '\(id)' not found.") }
            try await TraceStore.invalidate([trace], in: database)
        }
    }

    private static func content(_ id: String, in database: any SQLDatabase) async throws -> String? {
        try await database.select().column("content").from("trace_assessments").where("assessment_id", .equal, id).first()?
            .decode(column: "content", as: String.self)
    }

    /// A feedback's value as a number for aggregation: a boolean (thumbs) as 1 or 0, a finite
    /// number as itself; strings, lists, objects and expectations have none.
    static func score(of assessment: [String: Any]) -> (type: String, value: Double)? {
        guard let value = (assessment["feedback"] as? [String: Any])?["value"], let number = value as? NSNumber,
              let json = try? JSONSerialization.data(withJSONObject: [value])
        else { return nil }
        // JSON tells a boolean from a number where NSNumber's bridging does not.
        switch String(decoding: json, as: UTF8.self) {
        case "[true]": return ("boolean", 1)
        case "[false]": return ("boolean", 0)
        default: return number.doubleValue.isFinite ? ("number", number.doubleValue) : nil
        }
    }

    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    static func text(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
