import Foundation
import KeelCore
import Yams

/// The values of a `params.yaml`, looked up by dotted key (`train.seed`) for a stage's
/// `params:` list, its cache key, and `${train.seed}` in its command.
public struct PipelineParams: Sendable {
    /// Flattened: every leaf under its dotted key, as canonical text (a mapping's leaves in
    /// sorted key order, so reordering the file does not change a stage's cache key).
    public let leaves: [String: String]
    let file: String

    /// Parses the text of a params file; an empty file has no parameters.
    public init(yaml: String, file: String = "params.yaml") throws {
        self.file = file
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw KeelError.invalidParameter("\(file) is not valid YAML: \(error)")
        }
        var leaves: [String: String] = [:]
        if let root {
            guard root.mapping != nil else { throw KeelError.invalidParameter("\(file) must be a mapping of parameter names to values.") }
            Self.flatten(root, prefix: "", into: &leaves)
        }
        self.leaves = leaves
    }

    private static func flatten(_ node: Node, prefix: String, into leaves: inout [String: String]) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                let name = key.string ?? ""
                flatten(value, prefix: prefix.isEmpty ? name : "\(prefix).\(name)", into: &leaves)
            }
        case .sequence(let sequence):
            // A list is one value: its items' text in order.
            leaves[prefix] = "[" + sequence.map { item in item.string ?? (try? Yams.serialize(node: item).trimmingCharacters(in: .whitespacesAndNewlines)) ?? "" }.joined(separator: ", ") + "]"
        case .scalar(let scalar):
            leaves[prefix] = scalar.string
        case .alias:
            break
        }
    }

    /// The values a stage reads, by their full dotted keys: `train` gives every `train.*` leaf.
    public func values(for keys: [String], stage: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for key in keys {
            let matching = leaves.filter { $0.key == key || $0.key.hasPrefix(key + ".") }
            guard !matching.isEmpty else {
                throw KeelError.invalidParameter("Stage '\(stage)' reads parameter '\(key)', which \(file) does not have.")
            }
            values.merge(matching) { first, _ in first }
        }
        return values
    }

    /// `command` with every `${key}` replaced by its value; an unknown key is an error.
    public func interpolate(_ command: String, stage: String) throws -> String {
        var result = ""
        var rest = Substring(command)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw KeelError.invalidParameter("Stage '\(stage)': '${' without a closing '}' in its command.")
            }
            let key = String(rest[open.upperBound..<close]).trimmingCharacters(in: .whitespaces)
            guard let value = leaves[key] else {
                throw KeelError.invalidParameter("Stage '\(stage)': its command uses ${\(key)}, which \(file) does not have.")
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
