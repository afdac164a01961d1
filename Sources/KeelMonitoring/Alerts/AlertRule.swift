import Foundation
import KeelCore

/// A condition on a deployment's monitoring, checked on a schedule.
public struct AlertRule: Sendable, Equatable {
    /// Whether the condition held at the last evaluation that could compute it.
    public enum State: String, Sendable, Codable {
        /// Not evaluated yet, or false.
        case ok
        /// True: an alert fired and has not resolved.
        case firing
    }

    /// The rule's id.
    public var id: Int64
    /// The deployment watched.
    public var deployment: String
    /// The condition.
    public var condition: AlertCondition
    /// The window each evaluation reads, e.g. `1h` or `last=500` (see ``InferenceWindow``).
    public var window: String
    /// Where transitions are POSTed, if anywhere.
    public var webhook: String?
    /// How often to evaluate, in milliseconds.
    public var everyMilliseconds: Int64
    /// The current state.
    public var state: State
    /// The value of the last evaluation that computed one.
    public var lastValue: Double?
    /// When it was last evaluated (epoch ms).
    public var lastEvaluatedAt: Int64?
    /// When it was created.
    public var createdAt: Int64

    /// The window the rule reads.
    public var inferenceWindow: InferenceWindow {
        get throws(KeelError) { try Self.window(window) }
    }

    /// Reads `1h` (a trailing duration) or `last=500` (newest requests).
    static func window(_ text: String) throws(KeelError) -> InferenceWindow {
        if text.hasPrefix("last=") { return try InferenceWindow(query: ["last": String(text.dropFirst(5))]) }
        return try InferenceWindow(query: ["window": text])
    }

    /// Checks a webhook URL: http or https with a host.
    static func validateWebhook(_ text: String) throws(KeelError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw .invalidParameter("webhook must be an http:// or https:// URL, got '\(text)'.")
        }
    }
}

/// What a user asks for when creating a rule.
public struct AlertRuleRequest: Sendable {
    /// The deployment.
    public var deployment: String
    /// `METRIC OP NUMBER`.
    public var when: String
    /// The window, default `1h`.
    public var window: String?
    /// The webhook URL.
    public var webhook: String?
    /// How often, default `1m`, at least `1s`.
    public var every: String?

    /// Creates a request.
    public init(deployment: String, when: String, window: String? = nil, webhook: String? = nil, every: String? = nil) {
        self.deployment = deployment
        self.when = when
        self.window = window
        self.webhook = webhook
        self.every = every
    }
}

/// One stored transition of a rule: it fired or resolved.
public struct AlertEvent: Sendable, Equatable {
    /// The event's id, increasing: ``AlertEventFeed`` pages by it.
    public var id: Int64
    /// The rule.
    public var ruleID: Int64
    /// The deployment.
    public var deployment: String
    /// `firing` or `resolved`.
    public var state: String
    /// The condition as written.
    public var condition: String
    /// The metric's name.
    public var metric: String
    /// Its value when the transition happened.
    public var value: Double
    /// The window read.
    public var window: String
    /// The webhook it was sent to.
    public var webhook: String?
    /// `pending`, `delivered`, `failed`, or `none` without a webhook.
    public var delivery: String
    /// Delivery attempts made.
    public var attempts: Int
    /// When it happened (epoch ms).
    public var createdAt: Int64
}
