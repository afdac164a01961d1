import Foundation
import Hummingbird
import HummingbirdTesting
import KeelStore
import Logging
import Testing
@testable import KeelServer

/// The HTTP layer: routing, MLflow's error format and JSON conventions, on an in-process server.
@Suite("MLflow routes")
struct MLflowRoutesTests {
    private func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-server-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = try await buildApplication(KeelServerConfiguration(port: 0, dataDirectory: directory.path, logLevel: .warning))
        try await app.test(.router, body)
    }

    /// The response body as a JSON object; empty when it is not one (the expectations then fail).
    private func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
    }

    @Test("unknown endpoints answer ENDPOINT_NOT_FOUND in JSON")
    func unknownEndpoint() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/2.0/mlflow/nope", method: .post) { response in
                #expect(response.status == .notFound)
                #expect(json(response.body)["error_code"] as? String == "ENDPOINT_NOT_FOUND")
            }
        }
    }

    @Test("malformed and incomplete bodies answer INVALID_PARAMETER_VALUE")
    func badBodies() async throws {
        try await withApp { client in
            for body in ["{not json", "{}", "{\"name\": 5}"] {
                try await client.execute(
                    uri: "/api/2.0/mlflow/experiments/create", method: .post, body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest)
                    let error = json(response.body)
                    #expect(error["error_code"] as? String == "INVALID_PARAMETER_VALUE")
                    #expect((error["message"] as? String)?.isEmpty == false)
                }
            }
        }
    }

    @Test("experiments round-trip with string ids; NaN travels as a string")
    func roundTrip() async throws {
        try await withApp { client in
            var experimentID = ""
            try await client.execute(
                uri: "/api/2.0/mlflow/experiments/create", method: .post, body: ByteBuffer(string: #"{"name": "e1"}"#)
            ) { response in
                #expect(response.status == .ok)
                experimentID = json(response.body)["experiment_id"] as? String ?? ""
            }
            #expect(experimentID == "1")
            try await client.execute(uri: "/api/2.0/mlflow/experiments/get-by-name?experiment_name=e1", method: .get) { response in
                let experiment = json(response.body)["experiment"] as? [String: Any]
                #expect(experiment?["experiment_id"] as? String == "1")
            }
            var runID = ""
            try await client.execute(
                uri: "/api/2.0/mlflow/runs/create", method: .post, body: ByteBuffer(string: #"{"experiment_id": "1", "start_time": "5"}"#)
            ) { response in
                let info = (json(response.body)["run"] as? [String: Any])?["info"] as? [String: Any]
                runID = info?["run_id"] as? String ?? ""
                #expect(info?["status"] as? String == "RUNNING")
                #expect(info?["start_time"] as? Int == 5)
            }
            let batch = #"{"run_id": "\#(runID)", "metrics": [{"key": "m", "value": "NaN", "timestamp": 1, "step": -1}]}"#
            try await client.execute(uri: "/api/2.0/mlflow/runs/log-batch", method: .post, body: ByteBuffer(string: batch)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/2.0/mlflow/metrics/get-history?run_id=\(runID)&metric_key=m", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#""value":"NaN""#))
                #expect(text.contains(#""step":-1"#))
            }
        }
    }

    @Test("artifact paths that escape the root are refused", arguments: [
        "/api/2.0/mlflow-artifacts/artifacts/../../etc/passwd",
        "/api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/etc/passwd",
        "/api/2.0/mlflow-artifacts/artifacts/a/%252e%252e/b",
        "/api/2.0/mlflow-artifacts/artifacts//etc/passwd",
        "/api/2.0/mlflow-artifacts/artifacts/a%5C..%5Cb",
    ])
    func artifactTraversal(uri: String) async throws {
        try await withApp { client in
            try await client.execute(uri: uri, method: .put, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .badRequest)
                #expect(json(response.body)["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            }
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
