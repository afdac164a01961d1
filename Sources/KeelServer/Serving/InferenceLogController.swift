import Hummingbird
import KeelCore
import KeelServing

/// `GET /api/2.0/keel/inference-log?deployment=…&max_results=…&page_token=…`, newest first.
struct InferenceLogController<Context: RequestContext>: Sendable {
    let reader: InferenceLogReader

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: records)
    }

    @Sendable func records(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let maxResultsText = query["max_results"].map(String.init) ?? "1000"
        guard let maxResults = Int(maxResultsText) else {
            throw KeelError.invalidParameter("max_results must be an integer, got '\(maxResultsText)'.")
        }
        let page = try await reader.records(
            deployment: query["deployment"].map(String.init), maxResults: maxResults, pageToken: query["page_token"].map(String.init)
        )
        var body: [String: Any] = ["records": page.records.map(Self.object)]
        if let token = page.nextPageToken { body["next_page_token"] = token }
        return ServingHTTP.json(body)
    }

    static func object(_ record: InferenceRecord) -> [String: Any] {
        var object: [String: Any] = [
            "request_id": record.requestID,
            "role": record.role,
            "deployment": record.deployment,
            "model_version": record.modelVersion,
            "protocol": record.protocolName,
            "status": record.status,
            "latency_ms": Double(record.latencyMicroseconds) / 1000,
            "timestamp_ms": record.timestampMilliseconds,
        ]
        if let request = record.requestBody { object["request"] = request }
        if let response = record.responseBody { object["response"] = response }
        if let caller = record.caller { object["caller"] = caller }
        return object
    }
}
