import Foundation
import Hummingbird
import KeelCore
import KeelGenAI
import NIOCore

/// MLflow 3's trace routes, as its client 3.17.2 calls them (docs/reference/mlflow-tracing-wire.md):
/// `POST /api/3.0/mlflow/traces` (StartTraceV3), `GET …/traces/{trace_id}`, `GET …/traces/get`,
/// `GET …/traces/batchGet`, `POST …/traces/search`, and the v2 tag and delete routes.
struct TracesController: Sendable {
    typealias Context = KeelRequestContext
    let traces: TraceService

    func addRoutes(v3 group: RouterGroup<Context>) {
        group.post("traces", use: start)
        group.get("traces/get", use: get)
        group.get("traces/batchGet", use: batchGet)
        group.post("traces/search", use: search)
        group.get("traces/{trace_id}", use: info)
    }

    func addRoutes(v2 group: RouterGroup<Context>) {
        group.patch("traces/{trace_id}/tags", use: setTag)
        group.delete("traces/{trace_id}/tags", use: deleteTag)
        group.post("traces/delete-traces", use: delete)
    }

    @Sendable func start(_ request: Request, context: Context) async throws -> Response {
        let body = try await Self.object(request, context: context)
        guard let trace = body["trace"] as? [String: Any], let info = trace["trace_info"] as? [String: Any] else {
            throw KeelError.invalidParameter("The body must be {\"trace\": {\"trace_info\": {...}}}.")
        }
        let stored = try await traces.start(try TraceJSON.parseInfo(info))
        return Self.written { json in
            json.object { json in
                json.key("trace")
                TraceJSON.trace(info: stored.jsonText, to: &json)
            }
        }
    }

    @Sendable func info(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("trace_id")
        guard let info = try await traces.renderedInfos([id]).first?.json else { throw KeelError.notFound("Trace with ID '\(id)' not found.") }
        return Self.written { json in
            json.object { json in
                json.key("trace")
                TraceJSON.trace(info: info, to: &json)
            }
        }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        guard let id = request.uri.queryParameters["trace_id"].map(String.init) else {
            throw KeelError.invalidParameter("Missing value for required parameter 'trace_id'.")
        }
        guard let info = try await traces.renderedInfos([id]).first else { throw KeelError.notFound("Trace with ID '\(id)' not found.") }
        return TraceStreaming.response(traces: traces, items: [info], single: true)
    }

    @Sendable func batchGet(_ request: Request, context: Context) async throws -> Response {
        let ids = QueryString.parse(request.uri.query ?? "").filter { $0.key == "trace_ids" }.map(\.value)
        guard !ids.isEmpty, ids.count <= 100 else { throw KeelError.invalidParameter("Give 1 to 100 trace_ids.") }
        return TraceStreaming.response(traces: traces, items: try await traces.renderedInfos(ids), single: false)
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let body = try await Self.object(request, context: context)
        let locations = body["locations"] as? [[String: Any]] ?? []
        var experiments = locations.compactMap { location -> String? in
            let id = (location["mlflow_experiment"] as? [String: Any])?["experiment_id"]
            return (id as? String) ?? (id as? NSNumber)?.stringValue
        }
        experiments += (body["experiment_ids"] as? [Any] ?? []).compactMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
        let maxResults = (body["max_results"] as? NSNumber)?.intValue ?? (body["max_results"] as? String).flatMap(Int.init)
        let page = try await traces.search(
            experimentIDs: experiments, filter: body["filter"] as? String, orderBy: body["order_by"] as? [String] ?? [],
            maxResults: maxResults, pageToken: body["page_token"] as? String
        )
        // Written by hand: Foundation's JSONSerialization took half of a search's time.
        return Self.written { json in
            json.object { json in
                json.key("traces")
                json.array(page.traces) { json, info in json.raw(info) }
                json.member("next_page_token", ifPresent: page.nextPageToken)
            }
        }
    }

    @Sendable func setTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await Self.object(request, context: context)
        guard let key = body["key"] as? String, let value = body["value"] as? String else {
            throw KeelError.invalidParameter("The body must be {\"key\": ..., \"value\": ...}.")
        }
        try await traces.setTag(try context.parameters.require("trace_id"), key: key, value: value)
        return ServingHTTP.json([:])
    }

    @Sendable func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let body = try await Self.object(request, context: context)
        guard let key = (body["key"] as? String) ?? request.uri.queryParameters["key"].map(String.init) else {
            throw KeelError.invalidParameter("Missing value for required parameter 'key'.")
        }
        try await traces.deleteTag(try context.parameters.require("trace_id"), key: key)
        return ServingHTTP.json([:])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let body = try await Self.object(request, context: context)
        let experiment = (body["experiment_id"] as? String) ?? (body["experiment_id"] as? NSNumber)?.stringValue
        guard let experiment else { throw KeelError.invalidParameter("Missing value for required parameter 'experiment_id'.") }
        let deleted = try await traces.delete(
            experimentID: experiment, traceIDs: body["request_ids"] as? [String],
            maxTimestamp: (body["max_timestamp_millis"] as? NSNumber)?.int64Value, maxTraces: (body["max_traces"] as? NSNumber)?.intValue
        )
        return ServingHTTP.json(["traces_deleted": deleted])
    }

    static func object(_ request: Request, context: Context) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return [:] }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] else {
            throw KeelError.invalidParameter("The body must be a JSON object.")
        }
        return object
    }

    static func written(_ body: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter(capacity: 16_384)
        body(&writer)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: writer.buffer))
    }
}
