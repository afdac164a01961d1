import Foundation
import HTTPTypes
import Hummingbird
import KeelCore
import KeelGovernance

/// With `--auth`, every request except `/health` must say who it is: HTTP Basic (a user's
/// password, as the mlflow client sends `MLFLOW_TRACKING_USERNAME/PASSWORD`) or Bearer (an API
/// token, as it sends `MLFLOW_TRACKING_TOKEN`). Deny by default: a route that no one thought
/// about is closed, not open.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = KeelRequestContext
    let identities: IdentityService
    /// The secret the server's own loopback calls carry (scheduled pipeline runs); never stored.
    let internalToken: String

    /// Paths anyone may call: the health check, and what the sign-in page needs.
    static let publicPaths: Set<String> = ["/health", "/", "/ui", "/ui/login", "/ui/static/keel.css", "/ui/static/keel.js", "/ui/static/keel.svg"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.publicPaths.contains(request.uri.path) { return try await next(request, context) }
        // The web pages' session cookie counts on the pages only (see WebSession).
        if request.headers[.authorization] == nil, WebSession.isPage(request.uri.path), let secret = WebSession.secret(in: request.headers) {
            guard let identity = try await identities.authenticate(token: secret) else {
                throw KeelError(.unauthenticated, "The web session has expired or was signed out; please sign in again.")
            }
            var context = context
            context.identity = identity
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw KeelError(.unauthenticated, "This Keel server requires credentials: a username and password (HTTP Basic) or an API token (Bearer).")
        }
        guard let identity = try await identify(header) else {
            throw KeelError(.unauthenticated, "The credentials were not accepted (wrong password, unknown, expired or revoked token, or a locked account).")
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }

    private func identify(_ header: String) async throws -> Identity? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                  let colon = text.firstIndex(of: ":") else { return nil }
            return try await identities.authenticate(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        case "bearer":
            if IdentityService.constantTimeEqual(value, internalToken) { return Identity(username: "keel-server", isAdmin: true, method: .internalService) }
            return try await identities.authenticate(token: value)
        default:
            return nil
        }
    }
}
