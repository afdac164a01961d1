import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// POSTs alert events to webhooks, retrying with exponential back-off.
struct WebhookDelivery: Sendable {
    /// Attempts per event.
    var attempts = 5
    /// Wait before the second attempt; doubled before each later one (1 s, 2 s, 4 s, 8 s).
    var firstBackoff: Duration = .seconds(1)
    /// Time one attempt may take.
    var timeout: TimeInterval = 10
    let logger: Logger

    /// Sends `body` to `url`; returns whether a 2xx answer came and how many attempts it took.
    func deliver(_ body: Data, to url: String) async -> (delivered: Bool, attempts: Int) {
        guard let target = URL(string: url) else { return (false, 0) }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("keel-alerts", forHTTPHeaderField: "User-Agent")
        request.httpBody = body
        var backoff = firstBackoff
        for attempt in 1...attempts {
            do {
                let (_, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return (true, attempt) }
                logger.warning("Webhook answered \(status)", metadata: ["url": "\(url)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("Webhook failed: \(error.localizedDescription)", metadata: ["url": "\(url)", "attempt": "\(attempt)"])
            }
            guard attempt < attempts else { break }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                return (false, attempt)
            }
            backoff *= 2
        }
        return (false, attempts)
    }
}
