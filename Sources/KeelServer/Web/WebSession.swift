import Foundation
import HTTPTypes

/// The web pages' sign-in session: an API token (named "web session", expiring after a day)
/// whose secret the browser keeps in an HttpOnly cookie.
///
/// The cookie is read only on `/ui` pages, never on the API, so a page on another site cannot
/// make the browser call the API with it; `SameSite=Lax` keeps it off cross-site form posts.
enum WebSession {
    static let cookieName = "keel_session"
    /// The token's name, as `keel token list` shows it.
    static let tokenName = "web session"
    static let lifetimeDays = 1

    /// Whether a path belongs to the web pages, where the cookie counts.
    static func isPage(_ path: String) -> Bool {
        path == "/" || path == "/ui" || path.hasPrefix("/ui/")
    }

    /// The session secret in a `Cookie` header, if any.
    static func secret(in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == cookieName, !pair[1].isEmpty { return String(pair[1]) }
            }
        }
        return nil
    }

    /// `Set-Cookie` for a new session.
    static func setCookie(_ secret: String) -> String {
        "\(cookieName)=\(secret); Path=/ui; Max-Age=\(lifetimeDays * 86_400); HttpOnly; SameSite=Lax"
    }

    /// `Set-Cookie` that removes the session from the browser.
    static let clearCookie = "\(cookieName)=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Lax"
}
