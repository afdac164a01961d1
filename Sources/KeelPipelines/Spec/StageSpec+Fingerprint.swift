extension StageSpec {
    /// What the run-cache key records as the stage's "command": the command with parameters
    /// filled in, or, for a built-in kind, every setting it has in one canonical line (dictionary
    /// keys sorted, so the same `keel.yaml` always gives the same text).
    func fingerprint(params: PipelineParams) throws -> String {
        switch kind {
        case .command(let command):
            return try params.interpolate(command, stage: name)
        case .validate(let spec):
            var text = "validate data=\(spec.data)"
            if let rows = spec.expectations.rows { text += " rows=\(Self.text(rows.min))..\(Self.text(rows.max))" }
            for column in spec.expectations.columns.keys.sorted() {
                let expect = spec.expectations.columns[column]!
                text += " column[\(column)]=type:\(expect.type?.rawValue ?? "-"),nulls:\(Self.text(expect.nulls))"
                text += ",min:\(Self.text(expect.min)),max:\(Self.text(expect.max)),unique:\(Self.text(expect.unique))"
                if let allowed = expect.allowed { text += ",allowed:[\(allowed.map(\.description).joined(separator: "|"))]" }
            }
            return text
        case .gate(let spec):
            var text = "gate metrics=\(spec.metrics ?? "-") champion=\(spec.model ?? "-")@\(spec.champion)"
            text += " conditions=[\(spec.conditions.map(\.description).joined(separator: "; "))]"
            if let bias = spec.bias {
                text += " bias=\(bias.predictions):\(bias.sensitive):\(bias.label):\(bias.prediction)"
                text += " dpd<=\(Self.text(bias.limits.maxDemographicParityDifference))"
                text += " eod<=\(Self.text(bias.limits.maxEqualizedOddsDifference))"
                text += " dir>=\(Self.text(bias.limits.minDisparateImpactRatio))"
            }
            return text
        case .register(let spec):
            return "register model=\(spec.model) name=\(spec.name) alias=\(spec.alias ?? "-")"
        case .deploy(let spec):
            return "deploy deployment=\(spec.deployment) mode=\(spec.mode.rawValue) percent=\(spec.percent)"
        }
    }

    /// A short line for people saying what the stage does (the command, for a command stage).
    public func summary(params: PipelineParams) -> String {
        switch kind {
        case .command(let command):
            return (try? params.interpolate(command, stage: name)) ?? command
        case .validate(let spec):
            return "validate \(spec.data) (\(spec.expectations.columns.count) columns\(spec.expectations.rows == nil ? "" : ", row count"))"
        case .gate(let spec):
            var parts: [String] = []
            if let metrics = spec.metrics { parts.append("\(spec.conditions.count) conditions on \(metrics)") }
            if let bias = spec.bias { parts.append("bias over '\(bias.sensitive)' in \(bias.predictions)") }
            return "gate: " + parts.joined(separator: ", ")
        case .register(let spec):
            return "register \(spec.model) as a new version of '\(spec.name)'\(spec.alias.map { ", alias '\($0)'" } ?? "")"
        case .deploy(let spec):
            return "deploy on '\(spec.deployment)' as \(spec.mode == .canary ? "canary (\(spec.percent)%)" : "shadow")"
        }
    }

    private static func text<Value>(_ value: Value?) -> String {
        value.map { "\($0)" } ?? "-"
    }
}
