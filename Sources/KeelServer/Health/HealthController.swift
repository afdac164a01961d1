import Hummingbird
import KeelCore

/// `/health`, `/version` and MLflow's `/api/3.0/mlflow/server-info`.
struct HealthController<Context: RequestContext>: Sendable {
    /// The MLflow version Keel answers as: the client refuses some features (e.g. OTLP trace
    /// upload) from servers older than 3.4, and parses this as a version number.
    static var mlflowCompatibleVersion: String { "3.17.2" }

    func addRoutes(to router: Router<Context>) {
        router.get("health") { _, _ in "OK" }
        router.get("version") { _, _ in Self.mlflowCompatibleVersion }
        router.get("api/3.0/mlflow/server-info", use: serverInfo)
        router.get("ajax-api/3.0/mlflow/server-info", use: serverInfo)
    }

    @Sendable func serverInfo(_ request: Request, context: Context) async throws -> ServerInfoResponse {
        ServerInfoResponse()
    }
}

/// What the MLflow client asks before its first artifact transfer.
struct ServerInfoResponse: ResponseEncodable {
    let storeType = "SqlStore"
    let workspacesEnabled = false
    let multipartUploadsEnabled = false
    let multipartDownloadsEnabled = false
    let artifactServingEnabled = true
    let artifactsPresignedOnly = false
    let server = "keel"

    enum CodingKeys: String, CodingKey {
        case storeType = "store_type", workspacesEnabled = "workspaces_enabled"
        case multipartUploadsEnabled = "multipart_uploads_enabled", multipartDownloadsEnabled = "multipart_downloads_enabled"
        case artifactServingEnabled = "artifact_serving_enabled", artifactsPresignedOnly = "artifacts_presigned_only"
        case server
    }
}
