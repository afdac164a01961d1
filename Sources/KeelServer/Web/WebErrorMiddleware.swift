import Foundation
import HTTPTypes
import Hummingbird
import KeelCore
import KeelStore
import KeelWeb

/// On the web pages, errors are pages too: a person who is not signed in is sent to the sign-in
/// form (and back afterwards), and any other error is an HTML page with the right status, not
/// the API's JSON. Everything outside `/ui` passes through untouched.
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = KeelRequestContext
    let site: WebSite
    let artifacts: any ArtifactStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard WebSession.isPage(request.uri.path) else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch {
            let keel: KeelError = switch error {
            case let keel as KeelError: keel
            case let http as HTTPError where http.status == .notFound: KeelError.notFound("There is no page at \(request.uri.path).")
            case let http as HTTPError: KeelError(.badRequest, http.body ?? http.status.reasonPhrase)
            default: KeelError(.internalError, "Something went wrong on the server; the log says more.")
            }
            if !(error is KeelError || error is HTTPError) {
                context.logger.error("Page failed: \(String(reflecting: error))", metadata: ["path": "\(request.uri.path)"])
            }
            if keel.code == .unauthenticated {
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                let target = "/ui/login" + (request.method == .get ? "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : "")
                return WebResponses.response(.redirect(to: target), artifacts: artifacts)
            }
            let viewer = Viewer(identity: context.identity, permissions: nil)
            return WebResponses.response(site.errorPage(keel, viewer: viewer), artifacts: artifacts)
        }
    }
}
