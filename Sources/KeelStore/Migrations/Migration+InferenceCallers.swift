import SQLKit

extension Migration {
    /// Who asked for each prediction (the signed-in user, with `--auth`), so the inference log
    /// answers "who" by request id and the audit log need not copy predictions.
    static let inferenceCallers = Migration(version: 11, name: "inference callers") { _ in
        ["ALTER TABLE inference_log ADD COLUMN caller TEXT"]
    }
}
