import KeelCore

/// The stages' order: a stage runs after every stage that writes a file it reads (an input
/// equal to, inside, or containing another stage's output or metrics file) and after the stages in its
/// `after` list.
public struct PipelineGraph: Sendable {
    /// Per stage name, the stages it waits for.
    public let upstream: [String: Set<String>]
    /// Stage names in an order that respects every link, file order among equals.
    public let order: [String]

    /// Links the stages of `spec` (assumed checked by ``check(_:file:)``).
    public init(_ spec: PipelineSpec) {
        var upstream: [String: Set<String>] = [:]
        for stage in spec.stages {
            var waits = Set(stage.after)
            for other in spec.stages where other.name != stage.name {
                if stage.inputs.contains(where: { input in other.products.contains { Self.overlaps(input, $0) } }) { waits.insert(other.name) }
            }
            upstream[stage.name] = waits
        }
        self.upstream = upstream
        // Kahn's algorithm, always taking the earliest ready stage in file order.
        var done: [String] = []
        var remaining = spec.stages.map(\.name)
        while let next = remaining.firstIndex(where: { upstream[$0]!.isSubset(of: done) }) {
            done.append(remaining.remove(at: next))
        }
        order = done
    }

    /// Every stage `name` needs, directly or not, and itself, in run order.
    public func closure(of name: String) -> [String] {
        var needed: Set<String> = [name]
        var pending = [name]
        while let stage = pending.popLast() {
            for parent in upstream[stage] ?? [] where needed.insert(parent).inserted { pending.append(parent) }
        }
        return order.filter(needed.contains)
    }

    /// Every stage that depends on `name`, directly or not.
    public func downstream(of name: String) -> Set<String> {
        var found: Set<String> = []
        var pending = [name]
        while let stage = pending.popLast() {
            for (child, parents) in upstream where parents.contains(stage) && found.insert(child).inserted { pending.append(child) }
        }
        return found
    }

    /// Whether two paths name the same file or one lies inside the other.
    static func overlaps(_ a: String, _ b: String) -> Bool {
        a == b || a.hasPrefix(b + "/") || b.hasPrefix(a + "/")
    }

    /// Refuses outputs claimed twice, unknown `after` names and cycles.
    static func check(_ spec: PipelineSpec, file: String) throws {
        let names = Set(spec.stages.map(\.name))
        for (index, stage) in spec.stages.enumerated() {
            for name in stage.after where !names.contains(name) || name == stage.name {
                throw KeelError.invalidParameter("\(file) stage '\(stage.name)': 'after' names \(name == stage.name ? "the stage itself" : "no stage '\(name)'").")
            }
            for other in spec.stages[(index + 1)...] {
                for out in stage.products {
                    if let clash = other.products.first(where: { overlaps(out, $0) }) {
                        throw KeelError.invalidParameter(
                            "\(file): stages '\(stage.name)' and '\(other.name)' both write '\(out == clash ? out : "\(out)' and '\(clash)")'; each output needs one stage."
                        )
                    }
                }
            }
        }
        let graph = PipelineGraph(spec)
        if graph.order.count < spec.stages.count {
            let stuck = spec.stages.map(\.name).filter { !graph.order.contains($0) }
            throw KeelError.invalidParameter("\(file): the stages \(stuck.map { "'\($0)'" }.joined(separator: ", ")) depend on each other in a cycle.")
        }
    }
}
