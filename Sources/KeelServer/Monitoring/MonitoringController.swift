import Foundation
import Hummingbird
import KeelCore
import KeelMonitoring
import NIOCore

/// A deployment's monitoring under `/api/2.0/keel/deployments/{name}/…`: settings, reference,
/// drift and performance (docs/monitoring.md). Errors are MLflow's `{"error_code", "message"}`.
struct MonitoringController<Context: RequestContext>: Sendable {
    let service: MonitoringService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(":name/monitor", use: settings)
        group.put(":name/monitor", use: updateSettings)
        group.put(":name/reference", use: uploadReference)
        group.post(":name/reference/from-lineage", use: referenceFromLineage)
        group.get(":name/reference", use: reference)
        group.get(":name/drift", use: drift)
        group.get(":name/performance", use: performance)
    }

    @Sendable func settings(_ request: Request, context: Context) async throws -> Response {
        let settings = try await service.settings(of: try context.parameters.require("name"))
        return ServingHTTP.json(["monitor": MonitoringJSON.settings(settings)])
    }

    @Sendable func updateSettings(_ request: Request, context: Context) async throws -> Response {
        let settings = try await request.decodeMLflow(MonitorSettings.self, context: context)
        let stored = try await service.updateSettings(settings, of: try context.parameters.require("name"))
        return ServingHTTP.json(["monitor": MonitoringJSON.settings(stored)])
    }

    @Sendable func uploadReference(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let format = try Self.format(of: request)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: MonitoringService.maxReferenceBytes)
        } catch is NIOTooManyBytesError {
            throw KeelError(.invalidParameterValue, "The reference is larger than \(MonitoringService.maxReferenceBytes) bytes.")
        }
        guard body.readableBytes > 0 else { throw KeelError.invalidParameter("The request body is empty: send the reference data as CSV or JSON Lines.") }
        let info = try await service.uploadReference(Array(body.readableBytesView), format: format, deployment: name)
        return ServingHTTP.json(["reference": MonitoringJSON.reference(info)])
    }

    @Sendable func referenceFromLineage(_ request: Request, context: Context) async throws -> Response {
        let info = try await service.referenceFromLineage(deployment: try context.parameters.require("name"))
        return ServingHTTP.json(["reference": MonitoringJSON.reference(info)])
    }

    @Sendable func reference(_ request: Request, context: Context) async throws -> Response {
        let info = try await service.reference(of: try context.parameters.require("name"))
        return ServingHTTP.json(["reference": MonitoringJSON.reference(info)])
    }

    @Sendable func drift(_ request: Request, context: Context) async throws -> Response {
        let query = Self.query(request)
        var overrides = DriftOverrides()
        if let method = query["method"] {
            guard let parsed = DriftMethod(rawValue: method) else {
                throw KeelError.invalidParameter(
                    "Unknown method '\(method)'; use one of \(DriftMethod.allCases.map(\.rawValue).joined(separator: ", "))."
                )
            }
            overrides.method = parsed
        }
        overrides.threshold = try Self.positiveNumber(query["threshold"], name: "threshold")
        overrides.driftShare = try Self.positiveNumber(query["drift_share"], name: "drift_share")
        if let share = overrides.driftShare, share > 1 { throw KeelError.invalidParameter("drift_share must be in (0, 1], got \(share).") }
        let result = try await service.drift(
            deployment: try context.parameters.require("name"), window: try InferenceWindow(query: query), overrides: overrides,
            histograms: query["histograms"] == "true"
        )
        return ServingHTTP.json(MonitoringJSON.drift(result))
    }

    @Sendable func performance(_ request: Request, context: Context) async throws -> Response {
        let query = Self.query(request)
        let bucket = try query["bucket"].map { text throws(KeelError) in try InferenceWindow.duration(text, parameter: "bucket") }
        let report = try await service.performance(
            deployment: try context.parameters.require("name"), window: try InferenceWindow(query: query), bucketMilliseconds: bucket
        )
        return ServingHTTP.json(MonitoringJSON.performance(report))
    }

    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }

    static func positiveNumber(_ text: String?, name: String) throws(KeelError) -> Double? {
        guard let text else { return nil }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw .invalidParameter("\(name) must be a positive number, got '\(text)'.")
        }
        return value
    }

    /// `?format=csv|jsonl`, else the Content-Type, else CSV.
    static func format(of request: Request) throws(KeelError) -> String {
        if let format = request.uri.queryParameters["format"].map(String.init) {
            guard ["csv", "jsonl"].contains(format) else { throw .invalidParameter("format must be csv or jsonl, got '\(format)'.") }
            return format
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.contains("ndjson") || type.contains("jsonl") || type.contains("json-lines") || type.contains("application/json") {
            return "jsonl"
        }
        return "csv"
    }
}
