import SQLKit

/// What GenAI feedback is gathered for: a registered prompt, whose versions a trace names through
/// its linked prompts, or a registered model, whose versions a trace names through the logged
/// model in its `mlflow.modelId` metadata (`mlflow.set_active_model`).
public struct GenAISubject: Sendable, Hashable {
    /// Which of the two the name is.
    public enum Kind: String, Sendable, Hashable {
        /// A prompt (`mlflow.genai.register_prompt`).
        case prompt
        /// A registered model.
        case model
    }

    /// The registered name.
    public var name: String
    /// Prompt or model.
    public var kind: Kind

    /// Creates a subject.
    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The URI MLflow's client loads one version by.
    public func uri(version: Int64) -> String {
        kind == .prompt ? "prompts:/\(name)/\(version)" : "models:/\(name)/\(version)"
    }

    /// A query naming each trace of the subject in `[start, end)` with the version it used:
    /// columns `version, trace_id, experiment_id, request_time, execution_duration, state`.
    func traces(versions: [Int64]?, start: Int64, end: Int64) -> SQLQueryString {
        var query: SQLQueryString
        let versionColumn: String
        switch kind {
        case .prompt:
            versionColumn = "l.prompt_version"
            query = """
                SELECT l.prompt_version AS version, t.trace_id, t.experiment_id, t.request_time, t.execution_duration, t.state
                FROM trace_prompt_links l JOIN traces t ON t.trace_id = l.trace_id
                WHERE l.prompt_name = \(bind: name)
                """
        case .model:
            versionColumn = "v.version"
            query = """
                SELECT v.version AS version, t.trace_id, t.experiment_id, t.request_time, t.execution_duration, t.state
                FROM model_versions v
                JOIN trace_metadata m ON m.key = 'mlflow.modelId' AND m.value = v.model_id
                JOIN traces t ON t.trace_id = m.trace_id
                WHERE v.name = \(bind: name)
                """
        }
        if let versions, !versions.isEmpty {
            query += " AND \(unsafeRaw: versionColumn) IN (\(binds: versions))"
        }
        return query + " AND t.request_time >= \(bind: start) AND t.request_time < \(bind: end)"
    }
}
