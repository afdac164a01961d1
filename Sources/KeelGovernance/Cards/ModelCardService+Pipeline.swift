import Foundation
import KeelCore
import KeelStore
import KeelTracking
import NIOCore

/// What a version's run and its pipeline run show: the data each stage read, by hash, split
/// into training and evaluation data; the code files; validate and gate reports.
struct PipelineEvidence {
    var parentRunID: String?
    var parentParams: [String: String] = [:]
    var gitCommit: String?
    var trainingData: [ModelCard.DataEntry] = []
    var evaluationData: [ModelCard.DataEntry] = []
    var code: [ModelCard.DataEntry] = []
    var gates: [ModelCard.Gate] = []
    var validations: [ModelCard.Validation] = []
}

extension ModelCardService {
    /// Files with these endings are code, not data.
    static let codeExtensions: Set<String> = ["py", "sh", "r", "ipynb", "jl", "scala", "java", "sql", "js", "ts", "rb", "go", "swift"]

    /// Evidence from the version's run and, for a pipeline, its sibling stage runs.
    func pipelineEvidence(run: Run?, modelSHA256: String?) async throws -> PipelineEvidence {
        var evidence = PipelineEvidence()
        guard let run else { return evidence }
        let tracking = registry.tracking
        var stageRuns = [run]
        if let parentID = run.tags.first(where: { $0.key == "mlflow.parentRunId" })?.value,
           let parent = try? await tracking.run(id: parentID) {
            evidence.parentRunID = parentID
            for param in parent.params { evidence.parentParams[param.key] = param.value }
            evidence.gitCommit = parent.tags.first { $0.key == "mlflow.source.git.commit" }?.value
            // The id is a run id from the store, but it is still quoted as a literal, never spliced as SQL.
            let filter = "tags.mlflow.parentRunId = '\(parentID.replacingOccurrences(of: "'", with: ""))'"
            stageRuns = try await tracking.searchRuns(
                experimentIDs: [parent.info.experimentID], filter: filter, viewType: .all, maxResults: 1000, orderBy: ["attributes.start_time ASC"], pageToken: nil
            ).runs
        }
        var training: [String: ModelCard.DataEntry] = [:]
        var evaluation: [String: ModelCard.DataEntry] = [:]
        var code: [String: ModelCard.DataEntry] = [:]
        for stageRun in stageRuns {
            let tags = Dictionary(stageRun.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let stage = tags["keel.stage"] ?? stageRun.info.runName
            let kind = tags["keel.stage.kind"]
            if kind == "register" || kind == "deploy" { continue }
            let inputs = stageRun.inputs.datasetInputs.map { Self.entry($0, stage: stage) }
            let readsModel = modelSHA256.map { hash in inputs.contains { $0.sha256 == hash } } ?? false
            let isEvaluation = readsModel || kind == "gate" || Self.isEvaluationContext(stageRun.inputs.datasetInputs.first)
            for entry in inputs where entry.sha256 == nil || entry.sha256 != modelSHA256 {
                let key = entry.digest + "|" + entry.name
                if Self.isCode(entry.name) {
                    code[key, default: entry].stages = Array(Set(code[key]?.stages ?? []).union(entry.stages)).sorted()
                } else if isEvaluation {
                    evaluation[key] = Self.merged(evaluation[key], entry)
                } else {
                    training[key] = Self.merged(training[key], entry)
                }
            }
            if kind == "validate", let report = try await report(of: stageRun, stage: stage), let validation = Self.validation(report, stage: stage) {
                evidence.validations.append(validation)
                for (key, entry) in training where entry.name == validation.dataset {
                    training[key]?.rows = validation.rows
                    training[key]?.schema = validation.checks.filter { $0.column != nil }.map { "\($0.column ?? ""): \($0.expectation)" }
                }
            }
            if kind == "gate", let report = try await report(of: stageRun, stage: stage), let gate = Self.gate(report, stage: stage) {
                evidence.gates.append(gate)
            }
        }
        evidence.trainingData = training.values.sorted { ($0.stages.first ?? "", $0.name) < ($1.stages.first ?? "", $1.name) }
        evidence.evaluationData = evaluation.values.sorted { ($0.stages.first ?? "", $0.name) < ($1.stages.first ?? "", $1.name) }
        evidence.code = code.values.sorted { $0.name < $1.name }
        return evidence
    }

    private static func isCode(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return codeExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Runs logged by the mlflow client tag their datasets `mlflow.data.context` (`training`, `eval`...).
    private static func isEvaluationContext(_ input: DatasetInput?) -> Bool {
        guard let context = input?.tags.first(where: { $0.key == "mlflow.data.context" })?.value.lowercased() else { return false }
        return ["eval", "evaluation", "test", "testing", "validation"].contains(context)
    }

    private static func merged(_ existing: ModelCard.DataEntry?, _ entry: ModelCard.DataEntry) -> ModelCard.DataEntry {
        guard var existing else { return entry }
        existing.stages = Array(Set(existing.stages).union(entry.stages)).sorted()
        return existing
    }

    /// A dataset input as the card shows it; Keel pipelines put the full hash and size in the source.
    static func entry(_ input: DatasetInput, stage: String) -> ModelCard.DataEntry {
        let dataset = input.dataset
        let source = (try? JSONSerialization.jsonObject(with: Data(dataset.source.utf8))) as? [String: Any]
        var schema: [String] = []
        if let text = dataset.schema, let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
           let columns = object["mlflow_colspec"] as? [[String: Any]] {
            schema = columns.map { "\($0["name"] as? String ?? "?"): \($0["type"] as? String ?? "?")" }
        }
        var rows: Int?
        if let text = dataset.profile, let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            rows = (object["num_rows"] as? NSNumber)?.intValue
        }
        return ModelCard.DataEntry(
            name: dataset.name, digest: dataset.digest, sha256: source?["sha256"] as? String,
            source: source?["uri"] as? String ?? dataset.source, sizeBytes: (source?["size"] as? NSNumber)?.int64Value,
            stages: [stage], rows: rows, schema: schema
        )
    }

    /// A stage run's `keel/<stage>-report.json`, when it has one.
    func report(of run: Run, stage: String) async throws -> Data? {
        let prefix = "mlflow-artifacts:/"
        guard run.info.artifactURI.hasPrefix(prefix) else { return nil }
        let root = String(run.info.artifactURI.dropFirst(prefix.count))
        guard let path = try? ArtifactPath(validating: root + "/keel/\(stage)-report.json"),
              case .file? = try await artifacts.kind(of: path) else { return nil }
        var buffer = ByteBuffer()
        try await artifacts.read(path) { chunk in
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
        return Data(buffer.readableBytesView)
    }

    static func validation(_ data: Data, stage: String) -> ModelCard.Validation? {
        struct Report: Decodable {
            struct Check: Decodable {
                let column: String?
                let expectation: String
                let passed: Bool
                let detail: String
            }

            let dataset: String
            let rows: Int
            let checks: [Check]
        }
        guard let report = try? JSONDecoder().decode(Report.self, from: data) else { return nil }
        let checks = report.checks.map {
            ModelCard.Validation.Check(column: $0.column, expectation: $0.expectation, passed: $0.passed, detail: $0.detail)
        }
        return ModelCard.Validation(stage: stage, dataset: report.dataset, rows: report.rows, passed: checks.allSatisfy(\.passed), checks: checks)
    }

    /// Decoded with `JSONDecoder`, which reads numbers exactly, so the card repeats the report's values digit for digit.
    static func gate(_ data: Data, stage: String) -> ModelCard.Gate? {
        struct Report: Decodable {
            struct Condition: Decodable {
                let condition: String
                let passed: Bool
                let value: Double?
                let bound: Double?
            }

            struct Bias: Decodable {
                let metric: String
                let value: Double?
                let limit: Double
                let passed: Bool
            }

            struct Group: Decodable {
                let group: String
                let count: Int
                let selectionRate: Double
                let truePositiveRate: Double
                let falsePositiveRate: Double
            }

            let conditions: [Condition]
            let bias: [Bias]
            let groups: [Group]
            let sensitive: String?
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let report = try? decoder.decode(Report.self, from: data) else { return nil }
        let conditions = report.conditions.map { ModelCard.Gate.Condition(condition: $0.condition, passed: $0.passed, value: $0.value, bound: $0.bound) }
        let bias = report.bias.map { ModelCard.Gate.Bias(metric: $0.metric, value: $0.value, limit: $0.limit, passed: $0.passed) }
        let groups = report.groups.map {
            ModelCard.Gate.Group(
                group: $0.group, count: $0.count, selectionRate: $0.selectionRate,
                truePositiveRate: $0.truePositiveRate, falsePositiveRate: $0.falsePositiveRate
            )
        }
        return ModelCard.Gate(
            stage: stage, passed: conditions.allSatisfy(\.passed) && bias.allSatisfy(\.passed),
            conditions: conditions, bias: bias, sensitive: report.sensitive, groups: groups
        )
    }
}
