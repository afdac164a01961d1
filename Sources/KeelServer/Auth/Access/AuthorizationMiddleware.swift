import Foundation
import Hummingbird
import KeelCore
import KeelGovernance
import NIOCore
import NIOFoundationCompat

/// With `--auth`, checks every request against its route's ``AccessRule`` before the handler
/// runs, grants MANAGE to whoever creates a resource, and keeps grants in step with renames and
/// deletions. Runs after ``AuthMiddleware`` has said who is calling.
struct AuthorizationMiddleware: RouterMiddleware {
    typealias Context = KeelRequestContext
    let permissions: PermissionService
    let resolver: ResourceResolver
    let rules: [String: AccessRule]

    init(permissions: PermissionService, resolver: ResourceResolver, rules: [String: AccessRule] = AccessRules.byRoute) {
        self.permissions = permissions
        self.resolver = resolver
        self.rules = rules
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // No route matched: let the router answer ENDPOINT_NOT_FOUND.
        guard let pattern = context.endpointPath else { return try await next(request, context) }
        let route = "\(request.method) \(pattern)"
        guard let rule = rules[route] else {
            guard context.identity?.isAdmin == true else {
                throw KeelError(.permissionDenied, "No access rule covers '\(route)', so only admins may call it.")
            }
            return try await next(request, context)
        }
        if case .open = rule { return try await next(request, context) }
        guard let identity = context.identity else {
            throw KeelError(.unauthenticated, "This route requires credentials.")
        }
        var request = request
        let needsBody = Self.readsBody(rule) || AccessRules.effects[route] != nil
        let fields = try await RequestFields.read(&request, context: context, includeBody: needsBody)
        try await check(rule, fields: fields, request: request, identity: identity)
        var response = try await next(request, context)
        guard (200..<300).contains(response.status.code) else { return response }
        if case .listing(let kind, let items, let id) = rule {
            return try await filter(response, kind: kind, items: items, id: id, identity: identity)
        }
        if case .create(let kind, let created) = rule {
            let id: String?
            switch created {
            case .requestField(let field): id = fields.string(field)
            case .responseField(let field):
                let captured = try await response.capturingJSON()
                response = captured.response
                id = captured.object?[field].flatMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
            }
            if let id {
                try await permissions.grant(.manage, on: ResourceRef(kind, id), to: identity.username, by: identity.username)
            }
        }
        if let effect = AccessRules.effects[route] { try await apply(effect, fields: fields) }
        return response
    }

    private func check(_ rule: AccessRule, fields: RequestFields, request: Request, identity: Identity) async throws {
        switch rule {
        case .open, .anyUser, .create, .listing:
            return
        case .admin:
            guard identity.isAdmin else { throw KeelError(.permissionDenied, "Only an admin may do this.") }
        case .selfOrAdmin(let field):
            guard identity.isAdmin || fields.string(field) == identity.username else {
                throw KeelError(.permissionDenied, "Only '\(fields.string(field) ?? "?")' themselves or an admin may do this.")
            }
        case .selfOrManager(let field, let locator):
            if identity.isAdmin || fields.string(field) == identity.username { return }
            try await check(.resource(.manage, locator), fields: fields, request: request, identity: identity)
        case .resource(let level, let locator):
            if identity.isAdmin { return }
            let resources = try await resolver.resolve(locator, fields: fields, request: request)
            guard !resources.isEmpty else {
                throw KeelError(
                    .permissionDenied,
                    "This request names no resource (\(ResourceResolver.missing(locator))), and only admins may act on all of them."
                )
            }
            for resource in resources {
                try await permissions.require(level, on: resource, username: identity.username, isAdmin: false)
            }
        }
    }

    /// Drops the entries of a list the user may not read.
    private func filter(_ response: Response, kind: ResourceKind, items: String, id: String, identity: Identity) async throws -> Response {
        let visible = try await permissions.visibility(kind, username: identity.username, isAdmin: identity.isAdmin)
        if visible == .all(except: []) { return response }
        var (response, object) = try await response.capturingJSON(limit: 64 << 20)
        guard var object, let list = object[items] as? [[String: Any]] else { return response }
        object[items] = list.filter { entry in
            guard let value = entry[id] else { return false }
            return visible.contains((value as? String) ?? (value as? NSNumber)?.stringValue ?? "")
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        response.body = ResponseBody(byteBuffer: ByteBuffer(data: data))
        response.headers[.contentLength] = String(data.count)
        return response
    }

    private func apply(_ effect: AccessRules.Effect, fields: RequestFields) async throws {
        switch effect {
        case .renames(let kind, let from, let to):
            if let old = fields.string(from), let new = fields.string(to) {
                try await permissions.resourceRenamed(ResourceRef(kind, old), to: new)
            }
        case .deletes(let kind, let field):
            if let name = fields.string(field) { try await permissions.resourceDeleted(ResourceRef(kind, name)) }
        }
    }

    /// Whether checking the rule may need fields of a JSON body.
    private static func readsBody(_ rule: AccessRule) -> Bool {
        switch rule {
        case .open, .anyUser, .admin, .listing: false
        case .selfOrAdmin, .selfOrManager, .create: true
        case .resource(_, let locator):
            switch locator {
            case .artifactPath, .alertRule, .pipeline, .experimentHeader: false
            default: true
            }
        }
    }
}
