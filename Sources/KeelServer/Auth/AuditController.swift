import Foundation
import Hummingbird
import KeelCore
import KeelGovernance

/// The audit log under `/api/2.0/keel/audit` (admins only): entries by resource or actor, and a
/// check of the whole hash chain.
struct AuditController: Sendable {
    typealias Context = KeelRequestContext
    let log: AuditLog

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
        group.get("verify", use: verify)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try IdentityController.requireAdmin(context)
        let query = request.uri.queryParameters
        let limitText = query["max_results"].map(String.init) ?? "100"
        guard let limit = Int(limitText), limit > 0 else { throw KeelError.invalidParameter("max_results must be a positive integer, got '\(limitText)'.") }
        let entries = try await log.entries(resource: query["resource"].map(String.init), actor: query["actor"].map(String.init), limit: limit)
        return ServingHTTP.json(["entries": entries.map(Self.json)])
    }

    @Sendable func verify(_ request: Request, context: Context) async throws -> Response {
        try IdentityController.requireAdmin(context)
        return ServingHTTP.json(Self.json(try await log.verify()))
    }

    static func json(_ entry: AuditEntry) -> [String: Any] {
        [
            "seq": entry.sequence, "at": entry.at, "actor": entry.actor, "auth_method": entry.authMethod, "remote": entry.remote,
            "action": entry.action, "resource": entry.resource, "status": entry.status, "details": entry.details,
            "prev_hash": entry.previousHash, "hash": entry.hash,
        ]
    }

    static func json(_ verification: AuditVerification) -> [String: Any] {
        var object: [String: Any] = ["intact": verification.isIntact, "entries": verification.entries]
        if let problem = verification.problem { object["problem"] = problem }
        if let broken = verification.brokenAt { object["broken_at"] = broken }
        return object
    }
}
