import Foundation
import HTTPTypes
import Hummingbird
import KeelCore
import KeelGovernance
import KeelWeb
import NIOCore

extension WebController {
    /// The most bytes a sign-in form may post.
    static let maxLoginForm = 16 * 1024

    /// `GET /ui/login?next=`: the sign-in form (straight on to the pages when auth is off).
    @Sendable func loginForm(_ request: Request, context: KeelRequestContext) async throws -> Response {
        let next = WebSite.safeNext(request.queryValue("next"))
        guard permissions != nil else { return WebResponses.response(.redirect(to: next), artifacts: artifacts) }
        return WebResponses.response(site.loginPage(next: next), artifacts: artifacts)
    }

    /// `POST /ui/login`: checks the password, starts a session and goes on to `next`.
    ///
    /// A wrong password, an unknown user and a locked account all get the same answer, as the
    /// API's Basic auth gives.
    @Sendable func login(_ request: Request, context: KeelRequestContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxLoginForm)
        } catch is NIOTooManyBytesError {
            throw KeelError.invalidParameter("The sign-in form is larger than \(Self.maxLoginForm) bytes.")
        }
        var form: [String: String] = [:]
        for (key, value) in QueryString.parse(String(buffer: body)) where form[key] == nil { form[key] = value }
        let next = WebSite.safeNext(form["next"])
        guard permissions != nil else { return WebResponses.response(.redirect(to: next), artifacts: artifacts) }
        let username = form["username"] ?? ""
        guard !username.isEmpty, let password = form["password"], !password.isEmpty,
              let identity = try await identities.authenticate(username: username, password: password) else {
            let page = site.loginPage(next: next, username: username, error: "The username or password is not right (or the account is locked for a minute after repeated failures).")
            return WebResponses.response(page, artifacts: artifacts)
        }
        let (_, secret) = try await identities.createToken(for: identity.username, name: WebSession.tokenName, expiresInDays: WebSession.lifetimeDays)
        var response = WebResponses.response(.redirect(to: next), artifacts: artifacts)
        response.headers[.setCookie] = WebSession.setCookie(secret)
        return response
    }

    /// `POST /ui/logout`: revokes the session's token and clears the cookie.
    @Sendable func logout(_ request: Request, context: KeelRequestContext) async throws -> Response {
        if let secret = WebSession.secret(in: request.headers) {
            try await identities.revokeToken(secret: secret)
        }
        var response = WebResponses.response(.redirect(to: permissions == nil ? "/ui/experiments" : "/ui/login"), artifacts: artifacts)
        response.headers[.setCookie] = WebSession.clearCookie
        return response
    }
}

extension Request {
    /// The query string as name/value pairs for the pages.
    var items: QueryItems {
        QueryItems(QueryString.parse(uri.query ?? "").map { ($0.key, $0.value) })
    }
}
