import SQLKit

extension Migration {
    /// A deployment's sensitive columns: what the inference log keeps of each (JSON, with the
    /// deployment's hashing key); NULL when none are marked.
    static let sensitiveColumns = Migration(version: 10, name: "sensitive columns") { _ in
        ["ALTER TABLE deployments ADD COLUMN sensitive_columns TEXT"]
    }
}
