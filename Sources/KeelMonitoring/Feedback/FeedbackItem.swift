import Foundation
public import KeelCore

/// Ground truth for one logged request (or one row of it).
public struct FeedbackItem: Sendable, Equatable {
    /// The `X-Keel-Request-Id` of the request.
    public var requestID: String
    /// Which row of the request `label` is for; nil with `labels`, or for a one-row request.
    public var row: Int?
    /// The true label or value of one row, as cell text.
    public var label: String?
    /// The true labels of every row, in order.
    public var labels: [String]?
    /// Whether the labels are numbers (needed by regression).
    public var numeric: Bool
    /// Overwrite a label stored before instead of refusing a different one.
    public var replace: Bool

    /// The most items one feedback call takes.
    public static let maxItems = 10_000

    /// Reads `{"feedback": [...]}` (docs/monitoring.md, "Feedback").
    public static func decode(_ body: [UInt8]) throws(KeelError) -> [FeedbackItem] {
        try decodeBatch(body).items
    }

    /// Reads `{"deployment": …, "feedback": [...]}`: the items, and the deployment every
    /// request must belong to when the body names one.
    public static func decodeBatch(_ body: [UInt8]) throws(KeelError) -> (deployment: String?, items: [FeedbackItem]) {
        guard let json = LooseJSON.parse(String(decoding: body, as: UTF8.self)) else {
            throw .invalidParameter("The body must be a JSON object with a 'feedback' list.")
        }
        guard let items = json["feedback"]?.array else {
            throw .invalidParameter("The body must be a JSON object with a 'feedback' list of {request_id, label} objects.")
        }
        guard !items.isEmpty else { throw .invalidParameter("'feedback' is empty.") }
        guard items.count <= maxItems else {
            throw .invalidParameter("'feedback' holds \(items.count) items; send at most \(maxItems) per call.")
        }
        var deployment: String?
        switch json["deployment"] {
        case nil, .null?: deployment = nil
        case .string(let name)? where !name.isEmpty: deployment = name
        default: throw .invalidParameter("'deployment' must be a deployment name.")
        }
        return (deployment, try items.enumerated().map { index, item throws(KeelError) in try FeedbackItem(item, index: index) })
    }

    init(_ json: LooseJSON, index: Int) throws(KeelError) {
        let at = "feedback[\(index)]"
        guard case .object = json else { throw .invalidParameter("\(at) must be an object.") }
        guard let id = json["request_id"]?.string, !id.isEmpty, id.count <= 200 else {
            throw .invalidParameter("\(at).request_id must be the X-Keel-Request-Id of a logged request.")
        }
        requestID = id
        switch json["replace"] {
        case nil, .null?: replace = false
        case .bool(let flag)?: replace = flag
        default: throw .invalidParameter("\(at).replace must be true or false.")
        }
        switch json["row"] {
        case nil, .null?: row = nil
        case .number(let value)? where value >= 0 && value == value.rounded() && value < 1e9: row = Int(value)
        default: throw .invalidParameter("\(at).row must be a non-negative whole number.")
        }
        let single = json["label"], many = json["labels"]
        switch (single, many) {
        case (let single?, nil):
            label = try Self.scalar(single, at: "\(at).label")
            labels = nil
            numeric = single.number != nil
        case (nil, let many?):
            guard let values = many.array, !values.isEmpty else { throw .invalidParameter("\(at).labels must be a non-empty list.") }
            guard row == nil else { throw .invalidParameter("\(at) gives both row and labels: labels covers every row.") }
            labels = try values.enumerated().map { offset, value throws(KeelError) in try Self.scalar(value, at: "\(at).labels[\(offset)]") }
            label = nil
            numeric = values.allSatisfy { $0.number != nil }
        default:
            throw .invalidParameter("\(at) must give exactly one of label or labels.")
        }
    }

    static func scalar(_ value: LooseJSON, at path: String) throws(KeelError) -> String {
        guard value.isScalar, value != .null, let text = value.cellText else {
            throw .invalidParameter("\(path) must be a string, number or boolean, not \(Self.describe(value)).")
        }
        if case .number(let number) = value, !number.isFinite { throw .invalidParameter("\(path) must be finite.") }
        guard text.count <= 1000 else { throw .invalidParameter("\(path) is longer than 1000 characters.") }
        return text
    }

    static func describe(_ value: LooseJSON) -> String {
        switch value {
        case .null: "null"
        case .array: "a list"
        case .object: "an object"
        default: "that"
        }
    }
}
