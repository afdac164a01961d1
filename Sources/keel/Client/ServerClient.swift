import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for a Keel server's REST APIs (MLflow's and Keel's own), used by the CLI.
struct ServerClient {
    let baseURL: URL

    /// An error the server answered in MLflow's format, or a transport failure.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Calls `path` (relative to `/api/2.0/mlflow/`) and returns the decoded JSON object.
    func call(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) async throws -> [String: Any] {
        try await request(method, "api/2.0/mlflow/" + path, query: query, body: body)
    }

    /// Calls one of Keel's own endpoints (relative to `/api/2.0/keel/`).
    func callKeel(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) async throws -> [String: Any] {
        try await request(method, "api/2.0/keel/" + path, query: query, body: body)
    }

    /// Sends raw bytes (a CSV file, say) to a Keel route.
    func uploadKeel(_ method: String, _ path: String, body: Data, contentType: String) async throws -> [String: Any] {
        try await request(method, "api/2.0/keel/" + path, query: [:], body: nil, raw: (body, contentType))
    }

    private func request(
        _ method: String, _ path: String, query: [String: String], body: [String: Any]?, raw: (Data, String)? = nil
    ) async throws -> [String: Any] {
        guard let url = URL(string: path, relativeTo: baseURL.hasDirectoryPath ? baseURL : baseURL.appendingPathComponent("")),
              var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else {
            throw Failure(description: "Invalid server URL '\(baseURL)'.")
        }
        if !query.isEmpty {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components.url else { throw Failure(description: "Invalid request URL for '\(path)'.") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        if let (data, contentType) = raw {
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = data
        }
        let (data, status) = try await send(request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            let code = object["error_code"] as? String ?? "HTTP \(status)"
            let message = object["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(description: "\(code): \(message)")
        }
        return object
    }

    private func send(_ request: URLRequest) async throws -> (Data, Int) {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: Failure(description: "Cannot reach the Keel server at \(baseURL): \(error.localizedDescription). Is `keel server` running? Set --server or KEEL_SERVER."))
                    return
                }
                continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
            }.resume()
        }
    }
}
