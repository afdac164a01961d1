import KeelTracking
import Mustache

/// A labelled value in a page's fact list, optionally a link.
struct Fact {
    var name: String
    var value: String
    var href: String?

    init(_ name: String, _ value: String, href: String? = nil) {
        self.name = name
        self.value = value
        self.href = href
    }
}

/// A key and its value (parameters, tags).
struct Pair {
    var key: String
    var value: String
}

/// A table cell; numeric ones align right. Answers Mustache by name, without reflection: a
/// runs table holds thousands.
struct Cell: MustacheParent {
    var text: String
    var numeric: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "numeric": numeric
        default: nil
        }
    }
}

/// An option of a select box or a checkbox.
struct Choice {
    var value: String
    var label: String
    var selected: Bool
    var checked: Bool

    init(_ value: String, label: String? = nil, selected: Bool) {
        self.value = value
        self.label = label ?? value
        self.selected = selected
        checked = selected
    }
}

/// A dataset input as pages list it.
struct DatasetRow {
    var name: String
    var digest: String
    var context: String
    var source: String

    init(_ input: DatasetInput) {
        name = input.dataset.name
        digest = input.dataset.digest
        context = input.tags.first { $0.key == "mlflow.data.context" }?.value ?? ""
        source = input.dataset.sourceType
    }
}

/// Links to pages, built in one place so every page spells them the same way.
enum Href {
    static func experiment(_ id: Int64) -> String { "/ui/experiments/\(id)" }
    static func run(_ id: String) -> String { "/ui/runs/\(Format.urlComponent(id))" }
    static func model(_ name: String) -> String { "/ui/models/\(Format.urlComponent(name))" }
    static func modelVersion(_ name: String, _ version: Int64) -> String { "\(model(name))/versions/\(version)" }
    static func deployment(_ name: String) -> String { "/ui/deployments/\(Format.urlComponent(name))" }
    static func trace(_ id: String) -> String { "/ui/traces/\(Format.urlComponent(id))" }
    static func pipeline(_ name: String) -> String { "/ui/pipelines/\(Format.urlComponent(name))" }
}

extension Array where Element == KeyValue {
    /// Sorted by key, for tables a person scans.
    var pairs: [Pair] { sorted { $0.key < $1.key }.map { Pair(key: $0.key, value: $0.value) } }
}
