public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for a Keel server's REST APIs (MLflow's and Keel's own), used by the CLI
/// and by pipeline runs (which record through the same API, remote or loopback).
public struct ServerClient: Sendable {
    public let baseURL: URL
    /// The `Authorization` header every call carries (`Basic …` or `Bearer …`), for servers with `--auth`.
    public let authorization: String?

    /// A session that never answers authentication challenges itself: credentials travel in the
    /// `Authorization` header. Foundation on Linux waits forever for credentials on a 401 with
    /// `WWW-Authenticate` unless the challenge is cancelled, which ends the task as cancelled
    /// (see ``unauthenticated``); this client never cancels a task for any other reason.
    /// What a cancelled task means here: the server asked for credentials it did not get.
    static let unauthenticated = Failure(
        description: "UNAUTHENTICATED: the server requires credentials, or did not accept the ones given. "
            + "Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN (or KEEL_TOKEN).",
        code: "UNAUTHENTICATED"
    )
    static let session = URLSession(configuration: .default, delegate: ChallengeRefusal(), delegateQueue: nil)

    public init(baseURL: URL, authorization: String? = nil) {
        self.baseURL = baseURL
        self.authorization = authorization
    }

    /// Credentials as the mlflow client takes them: `KEEL_TOKEN` or `MLFLOW_TRACKING_TOKEN`
    /// (Bearer), else `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (Basic).
    public static func authorization(from environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let token = environment["KEEL_TOKEN"] ?? environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty { return "Bearer \(token)" }
        if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"], !user.isEmpty {
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        return nil
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

    /// Calls one of MLflow 3's endpoints (relative to `/api/3.0/mlflow/`), e.g. its permission API.
    public func callMLflowV3(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) async throws -> [String: Any] {
        try await request(method, "api/3.0/mlflow/" + path, query: query, body: body)
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
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { continuation in
            Self.session.uploadTask(with: request, fromFile: file) { data, response, error in
                if let error {
                    if (error as NSError).code == NSURLErrorCancelled { return continuation.resume(throwing: Self.unauthenticated) }
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

    /// Fetches one of Keel's routes as text (a rendered report, say), failing on an error status.
    public func getKeelText(_ path: String, query: [String: String] = [:]) async throws -> String {
        String(decoding: try await requestData("GET", "api/2.0/keel/" + path, query: query, body: nil), as: UTF8.self)
    }

    private func request(
        _ method: String, _ path: String, query: [String: String], body: [String: Any]?, raw: (Data, String)? = nil
    ) async throws -> [String: Any] {
        let data = try await requestData(method, path, query: query, body: body, raw: raw)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func requestData(
        _ method: String, _ path: String, query: [String: String], body: [String: Any]?, raw: (Data, String)? = nil
    ) async throws -> Data {
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
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        if let (data, contentType) = raw {
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = data
        }
        let (data, status) = try await send(request)
        guard (200..<300).contains(status) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            let code = object["error_code"] as? String ?? "HTTP \(status)"
            let message = object["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(description: "\(code): \(message)", code: object["error_code"] as? String)
        }
        return data
    }

    private func send(_ request: URLRequest) async throws -> (Data, Int) {
        try await withCheckedThrowingContinuation { continuation in
            Self.session.dataTask(with: request) { data, response, error in
                if let error {
                    if (error as NSError).code == NSURLErrorCancelled { return continuation.resume(throwing: Self.unauthenticated) }
                    continuation.resume(throwing: Failure(description: "Cannot reach the Keel server at \(baseURL): \(error.localizedDescription). Is `keel server` running? Set --server or KEEL_SERVER."))
                    return
                }
                continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
            }.resume()
        }
    }
}

/// Turns down every authentication challenge, so the 401 itself reaches the caller.
final class ChallengeRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        completionHandler(.cancelAuthenticationChallenge, nil)
    }
}
