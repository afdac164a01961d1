import Foundation
@testable import KeelStore
import KeelTestSupport
import SQLKit
import Testing

/// Migration 13 fills its new columns and links from rows stored before it, on both databases.
@Suite("Trace feedback migration")
struct TraceFeedbackMigrationTests {
    @Test("backfills scores and prompt links, skipping malformed tags", arguments: TestBackend.enabled)
    func backfill(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let backfill = Array(Migration.traceFeedback.statements(store.dialect).suffix(2))
            try await store.write { database in
                for (id, trace) in ["tr-a", "tr-b", "tr-c"].enumerated() {
                    try await database.raw("""
                        INSERT INTO traces (trace_id, experiment_id, request_time, state) VALUES (\(bind: trace), 0, \(bind: Int64(id)), 'OK')
                        """).run()
                }
                let assessments: [(String, String, String)] = [
                    ("a-1", "feedback", #"{"feedback": {"value": true}}"#),
                    ("a-2", "feedback", #"{"feedback": {"value": false}}"#),
                    ("a-3", "feedback", #"{"feedback": {"value": 4.5}}"#),
                    ("a-4", "feedback", #"{"feedback": {"value": 2}}"#),
                    ("a-5", "feedback", #"{"feedback": {"value": "great"}}"#),
                    ("a-6", "expectation", #"{"expectation": {"value": 1}}"#),
                ]
                for (id, kind, content) in assessments {
                    try await database.raw("""
                        INSERT INTO trace_assessments (assessment_id, trace_id, name, kind, source_type, valid, created_at, content)
                        VALUES (\(bind: id), 'tr-a', 'n', \(bind: kind), 'HUMAN', 1, 0, \(bind: content))
                        """).run()
                }
                let tags = [
                    ("tr-a", #"[{"name": "qa", "version": "3"}, {"name": "sum", "version": "1"}]"#),
                    ("tr-b", "not json"),
                    ("tr-c", #"{"name": "qa", "version": "3"}"#),
                ]
                for (trace, value) in tags {
                    try await database.raw("INSERT INTO trace_tags (trace_id, key, value) VALUES (\(bind: trace), 'mlflow.linkedPrompts', \(bind: value))").run()
                }
                for statement in backfill { try await database.raw(statement).run() }
            }
            let scores = try await store.read { database in
                try await database.raw("SELECT assessment_id, value_type, score FROM trace_assessments ORDER BY assessment_id").all().map {
                    (try $0.decode(column: "value_type", as: String?.self), try $0.decode(column: "score", as: Double?.self))
                }
            }
            #expect(scores.map(\.0) == ["boolean", "boolean", "number", "number", nil, nil])
            #expect(scores.map(\.1) == [1, 0, 4.5, 2, nil, nil])
            let links = try await store.read { database in
                try await database.raw("SELECT trace_id, prompt_name, prompt_version FROM trace_prompt_links ORDER BY prompt_name").all().map {
                    "\(try $0.decode(column: "trace_id", as: String.self)) \(try $0.decode(column: "prompt_name", as: String.self))/\(try $0.decode(column: "prompt_version", as: Int64.self))"
                }
            }
            #expect(links == ["tr-a qa/3", "tr-a sum/1"])
        }
    }
}
