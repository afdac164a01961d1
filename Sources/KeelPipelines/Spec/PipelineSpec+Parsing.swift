import Foundation
import KeelCore
import Yams

extension PipelineSpec {
    /// Keys a stage may have; anything else is a mistake worth stopping for (a typo in `deps`
    /// would otherwise silently drop a dependency from the cache key).
    static let stageKeys = ["cmd", "deps", "outs", "params", "metrics", "after", "desc", "executor", "validate", "gate", "register", "deploy"]
    static let topKeys = ["stages", "params", "executor", "ray"]

    /// Parses the text of a `keel.yaml`, checking names, paths and links between stages.
    public init(yaml: String, file: String = "keel.yaml") throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw KeelError.invalidParameter("\(file) is not valid YAML: \(error)")
        }
        var reader = SpecReader(file: file)
        guard let top = root?.mapping else { throw reader.error("must be a mapping with a 'stages' key") }
        for key in top.keys.compactMap(\.string) where !Self.topKeys.contains(key) {
            throw reader.error("has an unknown top-level key '\(key)' (known: \(Self.topKeys.joined(separator: ", ")))")
        }
        paramsFile = try top["params"].map { try reader.path($0, "params") } ?? "params.yaml"
        executor = try top["executor"].map { try reader.executor($0) } ?? .local
        if let ray = top["ray"] {
            let fields = try reader.fields(ray, "ray", allowed: ["address"])
            guard let address = fields["address"]?.string, let url = URL(string: address), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw reader.error("'ray.address' must be the Ray Jobs API's http(s) URL, e.g. http://127.0.0.1:8265")
            }
            rayAddress = address
        }
        guard let stageNodes = top["stages"]?.mapping, !stageNodes.isEmpty else { throw reader.error("needs at least one stage under 'stages'") }
        stages = try stageNodes.map { key, value in
            guard let name = key.string, name.range(of: #"^[A-Za-z0-9][A-Za-z0-9_.-]*$"#, options: .regularExpression) != nil else {
                throw reader.error("stage name '\(key.string ?? "?")' must be letters, digits, '_', '.' or '-'")
            }
            reader.stage = name
            return try reader.stage(name, value)
        }
        try PipelineGraph.check(self, file: file)
    }
}

/// Reads one `keel.yaml`'s nodes with errors that name the file, stage and key.
struct SpecReader {
    let file: String
    var stage: String?

    func error(_ reason: String) -> KeelError {
        KeelError.invalidParameter("\(file)\(stage.map { " stage '\($0)'" } ?? ""): \(reason).")
    }

    func stage(_ name: String, _ node: Node) throws -> StageSpec {
        guard let mapping = node.mapping else { throw error("must be a mapping") }
        let keys = mapping.keys.compactMap(\.string)
        if let unknown = keys.first(where: { !PipelineSpec.stageKeys.contains($0) }) {
            throw error("has an unknown key '\(unknown)' (known: \(PipelineSpec.stageKeys.joined(separator: ", ")))")
        }
        let kinds = keys.filter { ["cmd", "validate", "gate", "register", "deploy"].contains($0) }
        guard kinds.count == 1, let kindKey = kinds.first else {
            throw error("needs exactly one of cmd, validate, gate, register or deploy (found \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))")
        }
        let executor = try mapping["executor"].map { try self.executor($0) }
        if executor != nil, kindKey != "cmd" { throw error("'executor' applies to cmd stages only; built-in stages run inside keel") }
        let kind: StageSpec.Kind
        switch kindKey {
        case "cmd":
            guard let command = mapping["cmd"]?.string, !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("'cmd' must be a non-empty string") }
            kind = .command(command)
        case "validate": kind = .validate(try validate(mapping["validate"]!))
        case "gate": kind = .gate(try gate(mapping["gate"]!))
        case "register": kind = .register(try register(mapping["register"]!))
        default: kind = .deploy(try deploy(mapping["deploy"]!))
        }
        return StageSpec(
            name: name, kind: kind,
            deps: try paths(mapping["deps"], "deps"), outs: try paths(mapping["outs"], "outs"),
            params: try strings(mapping["params"], "params"), metrics: try paths(mapping["metrics"], "metrics"),
            after: try strings(mapping["after"], "after"), description: mapping["desc"]?.string, executor: executor
        )
    }

    func executor(_ node: Node) throws -> ExecutorKind {
        guard let text = node.string, let kind = ExecutorKind(rawValue: text) else {
            throw error("'executor' must be one of \(ExecutorKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    func validate(_ node: Node) throws -> ValidateSpec {
        let mapping = try fields(node, "validate", allowed: ["data", "expect"])
        guard let data = mapping["data"] else { throw error("'validate' needs 'data'") }
        guard let expect = mapping["expect"] else { throw error("'validate' needs 'expect'") }
        try requireKnown(expect, "validate.expect", ["rows", "columns"])
        if let columns = expect["columns"]?.mapping {
            for (column, spec) in columns {
                try requireKnown(spec, "validate.expect.columns.\(column.string ?? "?")", ["type", "nulls", "min", "max", "allowed", "unique"])
            }
        }
        do {
            return ValidateSpec(data: try path(data, "validate.data"), expectations: try YAMLDecoder().decode(DatasetExpectations.self, from: expect))
        } catch let error as KeelError {
            throw error
        } catch {
            throw self.error("'validate.expect' does not read: \(error)")
        }
    }

    func gate(_ node: Node) throws -> GateSpec {
        let mapping = try fields(node, "gate", allowed: ["metrics", "conditions", "bias", "model", "champion"])
        let conditions = try strings(mapping["conditions"], "gate.conditions").map { text in
            do { return try MetricCondition(parsing: text) } catch let error as KeelError { throw self.error(error.message) }
        }
        let metrics = try mapping["metrics"].map { try path($0, "gate.metrics") }
        if !conditions.isEmpty, metrics == nil { throw error("'gate.conditions' need 'gate.metrics', the JSON file they read") }
        var bias: BiasSpec?
        if let node = mapping["bias"] {
            let known = ["predictions", "sensitive", "label", "prediction", "demographic_parity_difference", "equalized_odds_difference", "disparate_impact_ratio"]
            let fields = try fields(node, "gate.bias", allowed: known)
            func text(_ key: String, default value: String? = nil) throws -> String {
                guard let text = fields[key]?.string ?? value else { throw error("'gate.bias' needs '\(key)'") }
                return text
            }
            func limit(_ key: String, _ bound: String) throws -> Double? {
                guard let node = fields[key] else { return nil }
                let limit = try self.fields(node, "gate.bias.\(key)", allowed: [bound])
                guard let value = limit[bound]?.float, value.isFinite else { throw error("'gate.bias.\(key)' needs a number '\(bound)'") }
                return value
            }
            let limits = BiasLimits(
                maxDemographicParityDifference: try limit("demographic_parity_difference", "max"),
                maxEqualizedOddsDifference: try limit("equalized_odds_difference", "max"),
                minDisparateImpactRatio: try limit("disparate_impact_ratio", "min")
            )
            guard limits != BiasLimits() else { throw error("'gate.bias' sets no limit: give demographic_parity_difference, equalized_odds_difference or disparate_impact_ratio") }
            bias = BiasSpec(
                predictions: try path(fields["predictions"] ?? Node(""), "gate.bias.predictions"), sensitive: try text("sensitive"),
                label: try text("label", default: "label"), prediction: try text("prediction", default: "prediction"), limits: limits
            )
        }
        guard !conditions.isEmpty || bias != nil else { throw error("'gate' checks nothing: give 'conditions', 'bias' or both") }
        return GateSpec(metrics: metrics, conditions: conditions, bias: bias, model: mapping["model"]?.string, champion: mapping["champion"]?.string ?? "champion")
    }

    func register(_ node: Node) throws -> RegisterSpec {
        let mapping = try fields(node, "register", allowed: ["model", "name", "alias"])
        guard let name = mapping["name"]?.string, !name.isEmpty else { throw error("'register' needs 'name', the registered model") }
        guard let model = mapping["model"] else { throw error("'register' needs 'model', the model directory") }
        return RegisterSpec(model: try path(model, "register.model"), name: name, alias: mapping["alias"]?.string)
    }

    func deploy(_ node: Node) throws -> DeploySpec {
        let mapping = try fields(node, "deploy", allowed: ["deployment", "mode", "percent"])
        guard let deployment = mapping["deployment"]?.string, !deployment.isEmpty else { throw error("'deploy' needs 'deployment'") }
        let modeText = mapping["mode"]?.string ?? "canary"
        guard let mode = DeploySpec.Mode(rawValue: modeText) else { throw error("'deploy.mode' must be canary or shadow, not '\(modeText)'") }
        let percent = mapping["percent"]?.int ?? 10
        guard mode == .shadow || (1...99).contains(percent) else { throw error("'deploy.percent' must be 1 to 99, not \(percent)") }
        return DeploySpec(deployment: deployment, mode: mode, percent: percent)
    }

    /// A mapping's fields by name, refusing keys not in `allowed`.
    func fields(_ node: Node, _ key: String, allowed: [String]) throws -> [String: Node] {
        try requireKnown(node, key, allowed)
        var fields: [String: Node] = [:]
        for (name, value) in node.mapping! { if let name = name.string { fields[name] = value } }
        return fields
    }

    func requireKnown(_ node: Node, _ key: String, _ allowed: [String]) throws {
        guard let mapping = node.mapping else { throw error("'\(key)' must be a mapping") }
        if let unknown = mapping.keys.compactMap(\.string).first(where: { !allowed.contains($0) }) {
            throw error("'\(key)' has an unknown key '\(unknown)' (known: \(allowed.joined(separator: ", ")))")
        }
    }

    /// A string or a list of strings.
    func strings(_ node: Node?, _ key: String) throws -> [String] {
        guard let node else { return [] }
        if let sequence = node.sequence {
            return try sequence.map { item in
                guard let text = item.string, !text.isEmpty else { throw error("'\(key)' must list non-empty strings") }
                return text
            }
        }
        guard let text = node.string, !text.isEmpty else { throw error("'\(key)' must be a string or a list of strings") }
        return [text]
    }

    func paths(_ node: Node?, _ key: String) throws -> [String] {
        try strings(node, key).map { try checkedPath($0, key) }
    }

    func path(_ node: Node, _ key: String) throws -> String {
        guard let text = node.string, !text.isEmpty else { throw error("'\(key)' must be a path") }
        return try checkedPath(text, key)
    }

    /// A path inside the pipeline's directory: relative, no `..`, no backslashes, normalised.
    func checkedPath(_ text: String, _ key: String) throws -> String {
        guard !text.hasPrefix("/"), !text.contains("\\"), !text.contains("\0") else {
            throw error("'\(key)' path '\(text)' must be relative to the pipeline's directory")
        }
        let parts = text.split(separator: "/").filter { $0 != "." }
        guard !parts.isEmpty, !parts.contains("..") else { throw error("'\(key)' path '\(text)' must stay inside the pipeline's directory") }
        return parts.joined(separator: "/")
    }
}
