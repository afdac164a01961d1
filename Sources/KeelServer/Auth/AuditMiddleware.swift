import Foundation
import Hummingbird
import KeelCore
import KeelGovernance
import Logging
import NIOCore

/// With `--auth`, appends every change to the audit log: each POST, PUT, PATCH or DELETE that
/// is not a search or a prediction, after it is answered, with who made it, from where, what it
/// named and how it ended. Predictions are not copied here: the inference log already holds
/// each one under its request id.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = KeelRequestContext
    let log: AuditLog

    /// Bodies larger than this are not read for ids (artifact uploads stream through untouched).
    static let maxInspectedBody = 1 << 20
    /// Body fields that name what a request acts on.
    static let idFields = [
        "experiment_id", "run_id", "name", "version", "alias", "model_id", "key", "username", "deployment", "new_name", "stage", "justification",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isChange(request) else { return try await next(request, context) }
        var request = request
        var body: [String: Any] = [:]
        if request.headers[.contentType]?.hasPrefix("application/json") == true,
           let length = request.headers[.contentLength].flatMap(Int.init), length <= Self.maxInspectedBody {
            let buffer = try await request.body.collect(upTo: Self.maxInspectedBody)
            request.body = .init(buffer: buffer)
            body = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as KeelError {
            await record(request, context: context, body: body, status: error.httpStatus)
            throw error
        } catch {
            await record(request, context: context, body: body, status: 500)
            throw error
        }
        var created: [String: String] = [:]
        if (200..<300).contains(response.status.code), response.headers[.contentType]?.hasPrefix("application/json") == true {
            let captured = try await response.capturingJSON(limit: Self.maxInspectedBody)
            response = captured.response
            if let object = captured.object { Self.collectIDs(object, into: &created, depth: 3) }
        }
        await record(request, context: context, body: body, status: Int(response.status.code), created: created)
        return response
    }

    /// Ids in an answer (`experiment_id`, `run.info.run_id`, a new version's number), recorded as
    /// `result.<field>` so an entry names what a create made, not just what it asked for.
    private static func collectIDs(_ object: [String: Any], into ids: inout [String: String], depth: Int) {
        for (key, value) in object {
            if resultFields.contains(key), ids[key] == nil {
                if let text = value as? String { ids[key] = text } else if let number = value as? NSNumber { ids[key] = number.stringValue }
            } else if depth > 1, let nested = value as? [String: Any] {
                collectIDs(nested, into: &ids, depth: depth - 1)
            }
        }
    }

    /// Answer fields that identify what a change made or touched.
    static let resultFields: Set<String> = ["experiment_id", "run_id", "model_id", "version", "id", "name", "token_id"]

    private func record(_ request: Request, context: Context, body: [String: Any], status: Int, created: [String: String] = [:]) async {
        var details: [String: String] = [:]
        for (key, value) in created { details["result.\(key)"] = value }
        for field in Self.idFields {
            if let value = body[field] as? String { details[field] = value } else if let number = body[field] as? NSNumber { details[field] = number.stringValue }
        }
        for (key, value) in request.uri.queryParameters where Self.idFields.contains(String(key)) { details[String(key)] = String(value) }
        let identity = context.identity
        let record = AuditLog.Record(
            actor: identity?.username ?? "anonymous", authMethod: identity?.method.rawValue ?? "none", remote: context.remoteAddress ?? "-",
            action: "\(request.method) \(request.uri.path)", resource: Self.resource(path: request.uri.path, details: details),
            status: status, details: details
        )
        do {
            try await log.append(record)
        } catch {
            context.logger.error("could not append to the audit log: \(error)", metadata: ["action": "\(record.action)"])
        }
    }

    /// A request that may change something: not a read, a search or a prediction.
    static func isChange(_ request: Request) -> Bool {
        guard [.post, .put, .patch, .delete].contains(request.method) else { return false }
        let path = request.uri.path
        if path.hasSuffix("/search") || path.hasSuffix("/invocations") || path.hasPrefix("/v2/") || path == "/invocations" { return false }
        if path.hasSuffix("/get-history-bulk-interval") { return false }
        return true
    }

    /// What a request acts on, from its path and the ids it named.
    static func resource(path: String, details: [String: String]) -> String {
        let parts = path.split(separator: "/").map(String.init)
        if let keel = parts.firstIndex(of: "keel"), keel + 1 < parts.count {
            let rest = parts[(keel + 1)...]
            let kind = rest.first!
            if rest.count >= 2 { return rest.prefix(2).joined(separator: "/") }
            return details["name"].map { "\(kind)/\($0)" } ?? details["username"].map { "\(kind)/\($0)" } ?? kind
        }
        if let artifacts = parts.firstIndex(of: "artifacts"), parts.contains("mlflow-artifacts") {
            return "artifacts/" + parts[(artifacts + 1)...].joined(separator: "/")
        }
        guard let mlflow = parts.firstIndex(of: "mlflow"), mlflow + 1 < parts.count else { return path }
        switch parts[mlflow + 1] {
        case "experiments": return "experiments/" + (details["experiment_id"] ?? details["name"] ?? "?")
        case "runs", "metrics":
            if let run = details["run_id"] { return "runs/\(run)" }
            return details["experiment_id"].map { "experiments/\($0)" } ?? "runs"
        case "registered-models": return "models/" + (details["name"] ?? "?")
        case "model-versions":
            let name = details["name"] ?? "?"
            return details["version"].map { "models/\(name)/\($0)" } ?? "models/\(name)"
        case "logged-models": return "logged-models/" + (details["model_id"] ?? "?")
        default: return parts[(mlflow + 1)...].joined(separator: "/")
        }
    }
}
