public import Foundation
import KeelCore

/// A stage's JSON metrics file (`metrics:` in `keel.yaml`, DVC's format): an object of metric
/// names to numbers, possibly nested.
public enum MetricsFile {
    /// A JSON metrics file's numbers (blocks while it reads); nested objects are flattened with dots (`eval.auc`).
    public static func read(_ url: URL, name: String) throws -> [String: Double] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KeelError.invalidParameter("The metrics file '\(name)' does not exist; the stage that writes it must run first.")
        }
        guard let object = try? JSONDecoder().decode([String: MetricsValue].self, from: data) else {
            throw KeelError.invalidParameter("The metrics file '\(name)' must hold a JSON object of metric names to numbers.")
        }
        var metrics: [String: Double] = [:]
        func flatten(_ object: [String: MetricsValue], _ prefix: String) {
            for (key, value) in object {
                let name = prefix.isEmpty ? key : "\(prefix).\(key)"
                switch value {
                case .number(let number): metrics[name] = number
                case .object(let nested): flatten(nested, name)
                case .other: break
                }
            }
        }
        flatten(object, "")
        return metrics
    }

    /// A value in a metrics file: numbers count, nested objects are walked, the rest is ignored.
    enum MetricsValue: Decodable {
        case number(Double)
        case object([String: MetricsValue])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if (try? container.decode(Bool.self)) != nil {
                self = .other
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let object = try? container.decode([String: MetricsValue].self) {
                self = .object(object)
            } else {
                self = .other
            }
        }
    }
}
