import Crypto
import Foundation

/// One change in the audit log: who did what to which resource, when, from where, and how it
/// ended, chained to the entry before it by hash.
public struct AuditEntry: Sendable, Equatable {
    /// Position in the log, from 1, without gaps.
    public var sequence: Int64
    /// When (epoch ms).
    public var at: Int64
    /// The user (or `anonymous` with auth off, `keel-server` for the server's own work).
    public var actor: String
    /// `password`, `token`, `internal` or `none`.
    public var authMethod: String
    /// The client's address.
    public var remote: String
    /// The request: `POST /api/2.0/mlflow/runs/create`.
    public var action: String
    /// What it acted on: `experiments/3`, `runs/<id>`, `models/churn`, `deployments/churn`.
    public var resource: String
    /// The HTTP status it was answered with.
    public var status: Int
    /// The ids the request named (run, version, alias, …), as sorted `key=value` pairs.
    public var details: [String: String]
    /// The hash of the entry before (64 zeros for the first).
    public var previousHash: String
    /// SHA-256 over the previous hash and every field above.
    public var hash: String

    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash this entry must have, from its fields and the previous hash.
    public func computedHash() -> String {
        var text = "keel-audit-v1\n\(previousHash)\n\(sequence)\n\(at)\n"
        for field in [actor, authMethod, remote, action, resource] { text += "\(field.utf8.count):\(field)\n" }
        text += "\(status)\n"
        for key in details.keys.sorted() {
            let value = details[key]!
            text += "\(key.utf8.count):\(key)=\(value.utf8.count):\(value)\n"
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// What verifying the chain found.
public struct AuditVerification: Sendable, Equatable {
    /// Entries checked.
    public var entries: Int64
    /// The first problem, in words, nil when the chain is whole.
    public var problem: String?
    /// The entry where the chain first breaks.
    public var brokenAt: Int64?

    public var isIntact: Bool { problem == nil }
}
