import Foundation
import SQLKit

/// Which prompt versions a trace used: MLflow's client names them in the trace tag
/// `mlflow.linkedPrompts` (`[{"name": "qa", "version": "3"}]`) and in `traces/link-prompts`.
/// Keel keeps them as rows of `trace_prompt_links`, so a prompt version finds its traces by index.
public struct PromptVersionRef: Sendable, Hashable, Codable {
    /// The prompt's registered name.
    public var name: String
    /// The prompt version number.
    public var version: Int64

    /// Creates a reference to one prompt version.
    public init(name: String, version: Int64) {
        self.name = name
        self.version = version
    }
}

enum PromptLinks {
    /// The tag MLflow's client keeps the linked prompt versions of a trace in.
    static let tag = "mlflow.linkedPrompts"

    /// The prompt versions a `mlflow.linkedPrompts` value names; an unreadable value names none.
    static func parse(_ tagValue: String) -> [PromptVersionRef] {
        guard let list = (try? JSONSerialization.jsonObject(with: Data(tagValue.utf8))) as? [[String: Any]] else { return [] }
        return list.compactMap { entry in
            guard let name = entry["name"] as? String, !name.isEmpty else { return nil }
            let version: Int64? = switch entry["version"] {
            case let text as String: Int64(text)
            case let number as NSNumber: number.int64Value
            default: nil
            }
            return version.map { PromptVersionRef(name: name, version: $0) }
        }
    }

    /// Records that `trace` used `prompts`; links already there are kept.
    static func insert(_ prompts: [PromptVersionRef], trace: String, in database: any SQLDatabase) async throws {
        for prompt in Set(prompts) {
            try await database.raw("""
                INSERT INTO trace_prompt_links (trace_id, prompt_name, prompt_version)
                VALUES (\(bind: trace), \(bind: prompt.name), \(bind: prompt.version))
                ON CONFLICT (trace_id, prompt_name, prompt_version) DO NOTHING
                """).run()
        }
    }
}
