import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeelGovernance
import NIOCore
import Testing
@testable import KeelServer

/// An in-process Keel server with `--auth` and `NO_PERMISSIONS` as the default, one admin and
/// a user for each role, and fresh resources for each route the matrix calls.
struct AccessMatrixHarness {
    let client: any TestClientProtocol
    /// The router's routes as (method, pattern).
    let routes: [(method: HTTPRequest.Method, path: String)]
    /// Bearer tokens by role name (and `admin`).
    var tokens: [String: String] = [:]

    static func with(_ body: @Sendable (AccessMatrixHarness) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-access-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = KeelServerConfiguration(port: 0, dataDirectory: directory.path, logLevel: .critical)
        configuration.runsBackgroundWork = false
        configuration.auth = AuthConfiguration(adminPassword: "admin-password-1", bcryptCost: 4, defaultPermission: .noPermissions)
        let parts = try await buildServerParts(configuration)
        let routes = parts.router.routes.map { (method: $0.method, path: $0.path.description) }
        var app = Application(router: parts.router, logger: parts.logger)
        app.addServices(parts.services)
        try await app.test(.router) { client in
            var harness = AccessMatrixHarness(client: client, routes: routes)
            let basic = "Basic " + Data("admin:admin-password-1".utf8).base64EncodedString()
            harness.tokens["admin"] = try await harness.secret(
                try await harness.json(.post, "/api/2.0/keel/tokens", ["name": "matrix"], authorization: basic)
            )
            for role in AccessMatrixTests.roles {
                _ = try await harness.json(.post, "/api/2.0/keel/users", ["username": role.name, "password": "Secret-pass-\(role.name)"])
                harness.tokens[role.name] = try await harness.secret(
                    try await harness.json(.post, "/api/2.0/keel/tokens", ["name": "matrix", "username": role.name])
                )
            }
            try await body(harness)
        }
    }

    private func secret(_ object: [String: Any]) async throws -> String {
        try #require(object["secret"] as? String)
    }

    /// Resources for one route, with every role granted its level on each of them.
    func makeFixture() async throws -> AccessFixture {
        let tag = UUID().uuidString.prefix(8).lowercased()
        var fixture = AccessFixture(tag: String(tag))
        let experiment = try await json(.post, "/api/2.0/mlflow/experiments/create", ["name": fixture.experimentName])
        fixture.experimentID = try #require(experiment["experiment_id"] as? String)
        let run = try await json(.post, "/api/2.0/mlflow/runs/create", ["experiment_id": fixture.experimentID])
        fixture.runID = try #require(((run["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
        let logged = try await json(.post, "/api/2.0/mlflow/logged-models", ["experiment_id": fixture.experimentID, "name": "lm"])
        fixture.loggedModelID = try #require(((logged["model"] as? [String: Any])?["info"] as? [String: Any])?["model_id"] as? String)
        try await send(.put, "/api/2.0/mlflow-artifacts/artifacts/\(fixture.experimentID)/\(fixture.runID)/artifacts/model/MLmodel", body: "flavors: {}\n")
        _ = try await json(.post, "/api/2.0/mlflow/registered-models/create", ["name": fixture.model])
        _ = try await json(.post, "/api/2.0/mlflow/model-versions/create", [
            "name": fixture.model, "run_id": fixture.runID,
            "source": "mlflow-artifacts:/\(fixture.experimentID)/\(fixture.runID)/artifacts/model",
        ])
        _ = try await json(.post, "/api/2.0/keel/deployments", ["name": fixture.deployment, "model": "\(fixture.model)/1"])
        let rule = try await json(.post, "/api/2.0/keel/alerts/rules", ["deployment": fixture.deployment, "when": "requests > 5"])
        fixture.alertRuleID = try #require(((rule["rule"] as? [String: Any])?["rule_id"] as? NSNumber)?.stringValue)
        _ = try await json(.post, "/api/2.0/keel/users", ["username": fixture.targetUser, "password": "Secret-pass-target"])
        _ = try await json(.post, "/api/3.0/mlflow/traces", ["trace": fixture.traceBody])
        for role in AccessMatrixTests.roles {
            guard let level = role.level else { continue }
            for (type, id) in [
                ("experiment", fixture.experimentID), ("registered_model", fixture.model),
                ("deployment", fixture.deployment), ("pipeline", fixture.pipeline),
            ] {
                _ = try await json(.post, "/api/3.0/mlflow/users/permissions/grant", [
                    "username": role.name, "resource_type": type, "resource_id": id, "permission": level.rawValue,
                ])
            }
        }
        return fixture
    }

    /// The status a call answers for a bearer token (nil: no credentials).
    func status(_ call: AccessFixture.Call, token: String?) async throws -> Int {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        headers[HTTPField.Name("x-mlflow-experiment-id")!] = call.experimentID
        var uri = call.path
        var body: ByteBuffer?
        if call.method == .get {
            if !call.query.isEmpty { uri += "?" + call.query }
        } else {
            headers[.contentType] = "application/json"
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: call.body))
        }
        return try await client.execute(uri: uri, method: call.method, headers: headers, body: body) { Int($0.status.code) }
    }

    /// An admin call that must succeed, answering JSON.
    func json(_ method: HTTPRequest.Method, _ path: String, _ object: [String: Any], authorization: String? = nil) async throws -> [String: Any] {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.authorization] = authorization ?? "Bearer \(tokens["admin"] ?? "")"
        let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            let text = String(buffer: response.body)
            #expect(response.status.code < 300, "\(method) \(path): \(response.status.code) \(text)")
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: String) async throws {
        let headers: HTTPFields = [.authorization: "Bearer \(tokens["admin"] ?? "")"]
        try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
            #expect(response.status.code < 300, "\(method) \(path): \(response.status.code)")
        }
    }
}

/// The resources one route's calls act on.
struct AccessFixture {
    let tag: String
    var experimentID = ""
    var runID = ""
    var loggedModelID = ""
    var alertRuleID = ""
    var experimentName: String { "exp-\(tag)" }
    var model: String { "model-\(tag)" }
    var deployment: String { "dep-\(tag)" }
    var pipeline: String { "pipe-\(tag)" }
    var targetUser: String { "target-\(tag)" }
    /// A trace id derived from the tag: `tr-` and 32 hex digits.
    var traceID: String { "tr-" + String(repeating: tag, count: 4) }
    var traceBody: [String: Any] {
        ["trace_info": [
            "trace_id": traceID, "trace_location": ["type": "MLFLOW_EXPERIMENT", "mlflow_experiment": ["experiment_id": experimentID]],
            "request_time": "2026-01-01T00:00:00.000Z", "execution_duration": "0.5s", "state": "OK",
        ] as [String: Any]]
    }

    init(tag: String) { self.tag = tag }

    struct Call {
        let experimentID: String
        let method: HTTPRequest.Method
        let path: String
        let query: String
        let body: [String: Any]
    }

    /// A call to the route, with its path filled in and every field a rule might look for.
    func call(method: HTTPRequest.Method, pattern: String) -> Call {
        var path = pattern
        let capture: [String: String] = [
            "{name}": ["/api/2.0/keel/pipelines", "/ui/pipelines"].contains(where: pattern.hasPrefix) ? pipeline
                : ["/api/2.0/keel/lineage", "/api/2.0/keel/model-cards", "/api/2.0/keel/genai", "/ui/models"].contains(where: pattern.hasPrefix) ? model : deployment,
            "{version}": "1",
            "{experiment_id}": experimentID,
            "{run_id}": runID,
            "{digest}": String(repeating: "0", count: 32),
            "{id}": pattern.contains("/alerts/") ? alertRuleID : pattern.contains("/tokens/") ? "no-such-token" : "1",
            "{username}": targetUser,
            "{model_id}": loggedModelID,
            "{trace_id}": traceID,
            "{assessment_id}": "a-" + String(repeating: "0", count: 32),
            "{key}": "k",
            "**": pattern.contains("/mpu/") ? "create" : "\(experimentID)/\(runID)/artifacts/model/MLmodel",
        ]
        for (placeholder, value) in capture { path = path.replacingOccurrences(of: placeholder, with: value) }
        var fields: [String: Any] = [
            "experiment_id": experimentID, "experiment_ids": [experimentID], "experiment_name": experimentName,
            "run_id": runID, "model_id": loggedModelID, "version": "1", "alias": "champion", "key": "k", "value": "v",
            "new_name": model + "-renamed", "username": targetUser, "password": "Secret-pass-new",
            "resource_type": "experiment", "resource_id": experimentID, "permission": "READ",
            "deployment": deployment, "path": experimentID, "when": "requests > 5", "model": "\(model)/1",
            "trace_id": traceID, "trace_ids": [traceID], "trace": traceBody,
            "locations": [["type": "MLFLOW_EXPERIMENT", "mlflow_experiment": ["experiment_id": experimentID]]],
            "name": pattern.hasPrefix("/api/2.0/keel/pipelines") ? pipeline : pattern.hasPrefix("/api/2.0/keel/deployments") ? deployment : model,
        ]
        // Token routes act on the caller's own tokens unless a username says otherwise.
        if pattern.hasPrefix("/api/2.0/keel/tokens") { fields["username"] = nil }
        let query = fields.sorted { $0.key < $1.key }.flatMap { key, value -> [String] in
            let values = (value as? [String]) ?? [value as? String ?? ""]
            return values.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" }
        }.joined(separator: "&")
        return Call(experimentID: experimentID, method: method, path: path, query: query, body: fields)
    }
}
