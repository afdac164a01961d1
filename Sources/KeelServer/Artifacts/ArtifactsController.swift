import Foundation
import Hummingbird
import KeelCore
import KeelStore
import NIOCore

/// MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/...`): upload, download, list, delete.
///
/// Bodies stream straight between the socket and the ``ArtifactStore`` in bounded chunks, so
/// a 1 GiB artifact never sits in memory. Paths are taken from the raw request path, decoded
/// exactly once and validated by ``ArtifactPath`` before any disk access.
struct ArtifactsController<Context: RequestContext>: Sendable {
    let store: any ArtifactStore
    static var prefix: String { "/api/2.0/mlflow-artifacts/artifacts" }

    func addRoutes(to router: Router<Context>) {
        router.get("api/2.0/mlflow-artifacts/artifacts", use: list)
        router.get("api/2.0/mlflow-artifacts/artifacts/**", use: download)
        router.put("api/2.0/mlflow-artifacts/artifacts/**", use: upload)
        router.delete("api/2.0/mlflow-artifacts/artifacts/**", use: delete)
        // Multipart uploads are only used when server-info advertises them, which Keel does not;
        // 501 makes a client that tries anyway fall back to a plain PUT.
        router.post("api/2.0/mlflow-artifacts/mpu/**", use: multipartUnsupported)
    }

    /// The artifact path named by the request URL after the proxy prefix.
    static func artifactPath(of request: Request) throws -> ArtifactPath {
        let rawPath = request.uri.path
        guard rawPath.hasPrefix(prefix) else { throw KeelError.invalidParameter("Invalid artifact path.") }
        var relative = String(rawPath.dropFirst(prefix.count))
        if relative.hasPrefix("/") { relative.removeFirst() }
        guard let decoded = PercentDecoding.decode(relative) else {
            throw KeelError.invalidParameter("Invalid path: the path is not valid UTF-8 after decoding.")
        }
        return try ArtifactPath(validating: decoded)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> EmptyResponse {
        let path = try Self.artifactPath(of: request)
        _ = try await store.write(path, from: request.body)
        return EmptyResponse()
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let path = try Self.artifactPath(of: request)
        switch try await store.kind(of: path) {
        case nil:
            throw KeelError.notFound("Artifact '\(path)' does not exist.")
        case .directory:
            throw KeelError(.badRequest, "'\(path)' is a directory; list it instead of downloading.")
        case .file(let size):
            let store = self.store
            var headers: HTTPFields = [
                .contentType: ContentTypes.guess(forFileNamed: path.lastComponent),
                .contentDisposition: "attachment; filename=\"\(path.lastComponent.replacingOccurrences(of: "\"", with: ""))\"",
            ]
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: Int(size)) { writer in
                try await store.read(path) { chunk in try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        }
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ArtifactListResponse {
        let path = try ArtifactPath(validating: request.queryValue("path") ?? "")
        guard let entries = try await store.list(path) else {
            // MLflow answers `{}` for a missing directory and for a file.
            return ArtifactListResponse(files: nil)
        }
        return ArtifactListResponse(files: entries.map {
            ArtifactListResponse.File(path: $0.name, isDir: $0.isDirectory, fileSize: $0.size)
        })
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> EmptyResponse {
        try await store.delete(try Self.artifactPath(of: request))
        return EmptyResponse()
    }

    @Sendable func multipartUnsupported(_ request: Request, context: Context) async throws -> EmptyResponse {
        throw KeelError(.notImplemented, "Multipart uploads are not supported by this server; upload with a single PUT.")
    }
}

/// Answer of an artifact listing.
struct ArtifactListResponse: ResponseEncodable {
    struct File: Encodable {
        let path: String
        let isDir: Bool
        let fileSize: Int64?
        enum CodingKeys: String, CodingKey { case path, isDir = "is_dir", fileSize = "file_size" }
    }

    let files: [File]?
}
