import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KeelCore

/// `executor: ray`: the command as a Ray job, through the Ray Jobs REST API
/// (`POST /api/jobs/`, then its status and logs polled until it ends; `POST .../stop` on
/// cancellation).
///
/// The job runs `cd <pipeline directory> && <command>`: Ray's workers must see the pipeline's
/// directory at the same path (one machine, or a shared volume), since Keel hashes and caches
/// the outputs there when the job ends. Only `KEEL_*` and `MLFLOW_*` variables travel with the
/// job (as its `runtime_env`), never the whole environment.
struct RayJobExecutor: CommandExecutor {
    let address: URL
    /// How often status and logs are polled.
    static let pollInterval = Duration.milliseconds(500)
    /// How long a submission waits for a starting head's job agent.
    static let agentWait = Duration.seconds(60)

    /// The address from `keel.yaml`'s `ray.address`, else `RAY_ADDRESS`.
    init(spec: PipelineSpec, environment: [String: String], stage: String) throws {
        let text = spec.rayAddress ?? environment["RAY_ADDRESS"]
        guard let text else {
            throw KeelError.invalidParameter(
                "Stage '\(stage)' runs on Ray, but no Ray address is set: add `ray: {address: http://HOST:8265}` to keel.yaml or set RAY_ADDRESS."
            )
        }
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            throw KeelError.invalidParameter("The Ray address '\(text)' must be the Ray Jobs API's http(s) URL (the dashboard, port 8265 by default).")
        }
        address = url
    }

    func run(_ job: CommandJob, log: StageLog) async throws -> Int32 {
        let submissionID = "keel-\(job.pipeline)-\(job.stage)-\(UUID().uuidString.prefix(8).lowercased())"
        let variables = job.environment.filter { $0.key.hasPrefix("KEEL_") || $0.key.hasPrefix("MLFLOW_") }
        let submission: [String: Any] = [
            "entrypoint": "cd \(Self.quoted(job.directory.path)) && \(job.command)",
            "submission_id": submissionID,
            "runtime_env": ["env_vars": variables],
            "metadata": ["keel.pipeline": job.pipeline, "keel.stage": job.stage],
        ]
        // A head that has just started answers before its job agent is up ("No available agent
        // to submit job, please try again later"): wait for it rather than fail the stage.
        let deadline = ContinuousClock.now + Self.agentWait
        while true {
            do {
                _ = try await call("POST", "api/jobs/", body: submission)
                break
            } catch let error as KeelError where error.message.contains("try again later") && ContinuousClock.now < deadline {
                log.write("the Ray cluster has no job agent ready yet; retrying")
                try await Task.sleep(for: .seconds(2))
            }
        }
        log.write("submitted Ray job \(submissionID) to \(address.absoluteString)")
        var printed = 0
        var partial = ""
        func drainLogs() async throws {
            let text = try await call("GET", "api/jobs/\(submissionID)/logs")["logs"] as? String ?? ""
            let utf8 = Array(text.utf8)
            guard utf8.count > printed else { return }
            partial += String(decoding: utf8[printed...], as: UTF8.self)
            printed = utf8.count
            while let newline = partial.firstIndex(of: "\n") {
                log.write(String(partial[..<newline]))
                partial = String(partial[partial.index(after: newline)...])
            }
        }
        do {
            while true {
                try await Task.sleep(for: Self.pollInterval)
                let info = try await call("GET", "api/jobs/\(submissionID)")
                try await drainLogs()
                switch info["status"] as? String {
                case "SUCCEEDED":
                    if !partial.isEmpty { log.write(partial) }
                    return 0
                case "FAILED":
                    if !partial.isEmpty { log.write(partial) }
                    // Ray's message repeats the logs after its first line.
                    let message = (info["message"] as? String ?? "no message").split(separator: "\n").first.map(String.init) ?? ""
                    log.write("Ray job \(submissionID) failed: \(message)")
                    return Self.exitCode(in: message) ?? 1
                case "STOPPED":
                    log.write("Ray job \(submissionID) was stopped outside Keel")
                    return 143
                default:
                    continue
                }
            }
        } catch is CancellationError {
            _ = try? await call("POST", "api/jobs/\(submissionID)/stop")
            log.write("stopped Ray job \(submissionID)")
            throw CancellationError()
        }
    }

    /// One Jobs API call; Ray's own error text is passed on.
    private func call(_ method: String, _ path: String, body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: address.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let address = self.address
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: KeelError(
                        .temporarilyUnavailable,
                        "Cannot reach the Ray Jobs API at \(address.absoluteString): \(error.localizedDescription). Is `ray start --head` running there?"
                    ))
                    return
                }
                continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
            }.resume()
        }
        try Task.checkCancellation()
        guard (200..<300).contains(status) else {
            let text = String(decoding: data.prefix(500), as: UTF8.self)
            throw KeelError(.temporarilyUnavailable, "The Ray Jobs API answered \(method) \(path) with HTTP \(status): \(text)")
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// The entrypoint's exit code in Ray's failure message ("... failed with exit code 2, ...").
    static func exitCode(in message: String) -> Int32? {
        guard let range = message.range(of: "exit code ") else { return nil }
        return Int32(message[range.upperBound...].prefix { $0.isNumber })
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
