import Foundation
import KeelCore
import SQLKit

extension GenAIFeedbackService {
    /// Links prompt versions to a trace (MLflow's `traces/link-prompts`): the trace and every
    /// version must exist; the trace's `mlflow.linkedPrompts` tag is updated to name them too.
    public func linkPrompts(traceID: String, prompts: [PromptVersionRef]) async throws {
        guard !prompts.isEmpty else { return }
        guard prompts.count <= 100 else { throw KeelError.invalidParameter("Link at most 100 prompt versions at once.") }
        for prompt in Set(prompts) { _ = try await registry.modelVersion(name: prompt.name, version: prompt.version) }
        try await store.store.write { database in
            guard try await database.select().column("trace_id").from("traces").where("trace_id", .equal, traceID).first() != nil else {
                throw KeelError.notFound("Trace with ID '\(traceID)' not found.")
            }
            try await PromptLinks.insert(prompts, trace: traceID, in: database)
            let current = try await database.select().column("value").from("trace_tags")
                .where("trace_id", .equal, traceID).where("key", .equal, PromptLinks.tag).first()?
                .decode(column: "value", as: String.self)
            let merged = PromptLinks.merge(current, adding: prompts)
            guard merged != current else { return }
            try await database.raw("""
                INSERT INTO trace_tags (trace_id, key, value) VALUES (\(bind: traceID), \(bind: PromptLinks.tag), \(bind: merged))
                ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value
                """).run()
            try await TraceStore.invalidate([traceID], in: database)
        }
    }
}

extension PromptLinks {
    /// The tag value naming what `current` names plus `prompts`, in MLflow's format; entries that
    /// are there stay as they are, so the client's own update finds nothing to change.
    static func merge(_ current: String?, adding prompts: [PromptVersionRef]) -> String {
        var entries = current.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [[String: Any]] } ?? []
        var known = Set(parse(current ?? "[]"))
        if let current, prompts.allSatisfy(known.contains) { return current }
        for prompt in prompts where !known.contains(prompt) {
            entries.append(["name": prompt.name, "version": String(prompt.version)])
            known.insert(prompt)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys]) else { return current ?? "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
