import HTTPTypes
import Hummingbird
import KeelStore
import KeelWeb
import NIOCore

/// How a page answer becomes an HTTP response, with the headers every page carries.
enum WebResponses {
    /// Pages load only this server's stylesheet and script and may not be framed.
    static let pagePolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func response(_ answer: WebResponse, artifacts: any ArtifactStore) -> Response {
        switch answer {
        case .page(let status, let html):
            return Response(
                status: HTTPResponse.Status(code: status),
                headers: pageHeaders(contentType: "text/html; charset=utf-8"),
                body: ResponseBody(byteBuffer: ByteBuffer(string: html))
            )
        case .redirect(let location):
            return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        case .artifact(let path, let size, let contentType, let filename, let inline):
            let safeName = String(filename.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline })
            var headers: HTTPFields = [
                .contentType: contentType,
                .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(safeName)\"",
                // Whatever the file holds, it never runs as a page of this site.
                .contentSecurityPolicy: "default-src 'none'; sandbox",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                .cacheControl: "private, no-store",
            ]
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: Int(size)) { writer in
                try await artifacts.read(path) { chunk in try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        }
    }

    /// A static asset (stylesheet, script), cacheable for an hour.
    static func asset(_ text: String, contentType: String) -> Response {
        var headers = pageHeaders(contentType: contentType)
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func pageHeaders(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .contentSecurityPolicy: pagePolicy,
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
            .cacheControl: "no-store",
        ]
    }
}
