import Foundation
import Hummingbird
import KeelCore
import KeelGenAI
import KeelMonitoring
import KeelRegistry
import KeelStore

/// Keel's GenAI loop over prompt and model versions, under `/api/2.0/keel/genai`:
/// - `PUT|GET|DELETE ab-tests/{name}` and `GET ab-tests/{name}/assign?key=` (sticky traffic split);
/// - `GET compare/{name}?window=7d[&a=3&b=4]` (two versions with significance tests);
/// - `GET feedback/{name}?window=30d&bucket=1d[&versions=3,4]` (per-version statistics over time).
/// Plus MLflow's `POST /api/2.0/mlflow/traces/link-prompts`.
struct GenAIFeedbackController: Sendable {
    typealias Context = KeelRequestContext
    let service: GenAIFeedbackService

    /// The window a summary reads when none is given.
    static let defaultWindow = "7d"

    func addRoutes(keel group: RouterGroup<Context>) {
        group.put("ab-tests/{name}", use: setABTest)
        group.get("ab-tests/{name}", use: getABTest)
        group.delete("ab-tests/{name}", use: deleteABTest)
        group.get("ab-tests/{name}/assign", use: assign)
        group.get("compare/{name}", use: compare)
        group.get("feedback/{name}", use: feedback)
    }

    func addRoutes(mlflow group: RouterGroup<Context>) {
        group.post("traces/link-prompts", use: linkPrompts)
    }

    /// `{"arms": [{"version": 3, "weight": 50, "label": "A"}, ...]}`; label defaults to A, B, …
    @Sendable func setABTest(_ request: Request, context: Context) async throws -> Response {
        let body = try await TracesController.object(request, context: context)
        guard let arms = body["arms"] as? [[String: Any]] else {
            throw KeelError.invalidParameter("The body must be {\"arms\": [{\"version\": 3, \"weight\": 50}, ...]}.")
        }
        let parsed = try arms.enumerated().map { index, arm throws -> ABTest.Arm in
            guard let version = Self.integer(arm["version"]), version > 0 else {
                throw KeelError.invalidParameter("Each arm needs a positive version.")
            }
            let weight = try arm["weight"].map { value throws -> Double in
                guard let number = value as? NSNumber else { throw KeelError.invalidParameter("An arm's weight must be a number.") }
                return number.doubleValue
            } ?? 1
            return ABTest.Arm(label: arm["label"] as? String ?? ABTest.label(at: index), version: version, weight: weight)
        }
        let test = try await service.setABTest(try ABTest(name: try Self.name(context), arms: parsed))
        return ServingHTTP.json(["ab_test": Self.json(test)])
    }

    @Sendable func getABTest(_ request: Request, context: Context) async throws -> Response {
        guard let test = try await service.abTest(try Self.name(context)) else { throw KeelError.notFound("No A/B test.") }
        return ServingHTTP.json(["ab_test": Self.json(test)])
    }

    @Sendable func deleteABTest(_ request: Request, context: Context) async throws -> Response {
        try await service.deleteABTest(try Self.name(context))
        return ServingHTTP.json([:])
    }

    @Sendable func assign(_ request: Request, context: Context) async throws -> Response {
        guard let key = request.uri.queryParameters["key"].map(String.init) else {
            throw KeelError.invalidParameter("Missing value for required parameter 'key' (the user or session to assign).")
        }
        let assignment = try await service.assign(try Self.name(context), key: key)
        return ServingHTTP.json([
            "name": assignment.subject.name, "kind": assignment.subject.kind.rawValue, "key": key,
            "arm": assignment.arm.label, "version": String(assignment.arm.version), "uri": assignment.uri,
        ])
    }

    @Sendable func compare(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let range = try Self.range(query)
        let a = try query["a"].map { text throws in try RegistryService.versionNumber(String(text)) }
        let b = try query["b"].map { text throws in try RegistryService.versionNumber(String(text)) }
        let comparison = try await service.compare(try Self.name(context), a: a, b: b, start: range.start, end: range.end)
        return ServingHTTP.json(GenAIJSON.comparison(comparison))
    }

    @Sendable func feedback(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let range = try Self.range(query)
        let bucket = try query["bucket"].map { text throws in try InferenceWindow.duration(String(text), parameter: "bucket") }
        let versions = try query["versions"].map { text throws in
            try text.split(separator: ",").map { part throws in try RegistryService.versionNumber(part.trimmingCharacters(in: .whitespaces)) }
        }
        let timeline = try await service.timeline(
            try Self.name(context), versions: versions, start: range.start, end: range.end, bucketMilliseconds: bucket
        )
        return ServingHTTP.json([
            "name": timeline.subject.name, "kind": timeline.subject.kind.rawValue,
            "start_time_ms": range.start, "end_time_ms": range.end, "bucket_ms": bucket.map { $0 as Any } ?? NSNull(),
            "buckets": timeline.buckets.map { bucket in
                GenAIJSON.statistics(bucket.statistics).merging(["start_time_ms": bucket.start]) { _, new in new }
            },
        ])
    }

    /// MLflow's LinkPromptsToTrace: `{"trace_id": "tr-…", "prompt_versions": [{"name": "qa", "version": "3"}]}`.
    @Sendable func linkPrompts(_ request: Request, context: Context) async throws -> Response {
        let body = try await TracesController.object(request, context: context)
        guard let traceID = body["trace_id"] as? String, !traceID.isEmpty else {
            throw KeelError.invalidParameter("Missing value for required parameter 'trace_id'.")
        }
        guard let list = body["prompt_versions"] as? [[String: Any]] else {
            throw KeelError.invalidParameter("Missing value for required parameter 'prompt_versions'.")
        }
        let prompts = try list.map { entry throws -> PromptVersionRef in
            guard let name = entry["name"] as? String, !name.isEmpty, let version = Self.integer(entry["version"]), version > 0 else {
                throw KeelError.invalidParameter("Each prompt version needs a name and a positive version.")
            }
            return PromptVersionRef(name: name, version: version)
        }
        try await service.linkPrompts(traceID: traceID, prompts: prompts)
        return ServingHTTP.json([:])
    }

    /// `[start, end)` from `start`/`end` (epoch milliseconds) and `window` (default 7d, back from the end).
    static func range(_ query: Parameters) throws -> (start: Int64, end: Int64) {
        func millis(_ name: Substring) throws -> Int64? {
            try query[name].map { text throws in
                guard let value = Int64(text) else { throw KeelError.invalidParameter("\(name) must be epoch milliseconds, got '\(text)'.") }
                return value
            }
        }
        let end = try millis("end") ?? Timestamp.nowMillis() + 1
        if let start = try millis("start") { return (start, end) }
        let window = try InferenceWindow.duration(query["window"].map(String.init) ?? defaultWindow, parameter: "window")
        return (end - window, end)
    }

    static func name(_ context: Context) throws -> String {
        let raw = try context.parameters.require("name")
        return PercentDecoding.decode(raw) ?? raw
    }

    static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let text as String: Int64(text)
        case let number as NSNumber: number.doubleValue == number.doubleValue.rounded() ? number.int64Value : nil
        default: nil
        }
    }

    static func json(_ test: ABTest) -> [String: Any] {
        [
            "name": test.name,
            "arms": test.arms.map { ["label": $0.label, "version": String($0.version), "weight": $0.weight] as [String: Any] },
        ]
    }
}
