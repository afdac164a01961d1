public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for a Keel server's REST APIs (MLflow's and Keel's own), used by the CLI
/// and by pipeline runs (which record through the same API, remote or loopback).
public struct ServerClient: Sendable {
    public let baseURL: URL

    public init(baseURL: URL) {
        self.baseURL = baseURL
    }

    /// An error the server answered in MLflow's format, or a transport failure.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The server's `error_code`, when it answered with one.
        public var code: String?

        public init(description: String, code: String? = nil) {
            self.description = description
            self.code = code
        }
    }

    /// Calls `path` (relative to `/api/2.0/mlflow/`) and returns the decoded JSON object.
    public func call(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) async throws -> [String: Any] {
        try await request(method, "api/2.0/mlflow/" + path, query: query, body: body)
    }

    /// Calls one of Keel's own endpoints (relative to `/api/2.0/keel/`).
    public func callKeel(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) async throws -> [String: Any] {
        try await request(method, "api/2.0/keel/" + path, query: query, body: body)
    }

    /// Sends raw bytes (a CSV file, say) to a Keel route.
    public func uploadKeel(_ method: String, _ path: String, body: Data, contentType: String) async throws -> [String: Any] {
        try await request(method, "api/2.0/keel/" + path, query: [:], body: nil, raw: (body, contentType))
    }

    /// Uploads a local file through the artifact proxy to `path` (relative to
    /// `/api/2.0/mlflow-artifacts/artifacts/`), streamed from disk.
    public func uploadArtifact(file: URL, to path: String) async throws {
        let encoded = path.split(separator: "/").map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? String($0)
        }.joined(separator: "/")
        guard let url = URL(string: "api/2.0/mlflow-artifacts/artifacts/" + encoded, relativeTo: baseURL.hasDirectoryPath ? baseURL : baseURL.appendingPathComponent("")) else {
            throw Failure(description: "Invalid artifact path '\(path)'.")
        }
        var request = URLRequest(url: url)
        request.httpMethod = "PUT"
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.uploadTask(with: request, fromFile: file) { data, response, error in
                if let error {
                    continuation.resume(throwing: Failure(description: "Cannot upload \(file.lastPathComponent) to \(baseURL): \(error.localizedDescription)"))
                    return
                }
                continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
            }.resume()
        }
        guard (200..<300).contains(status) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            throw Failure(description: "\(object["error_code"] as? String ?? "HTTP \(status)"): \(object["message"] as? String ?? "upload of \(path) failed")", code: object["error_code"] as? String)
        }
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
            throw Failure(description: "\(code): \(message)", code: object["error_code"] as? String)
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
