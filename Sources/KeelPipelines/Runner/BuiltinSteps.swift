import Foundation
import KeelCore
import KeelMonitoring

/// The built-in stage kinds, run inside `keel` rather than as commands: each writes what it
/// found to the stage's log and, for `validate` and `gate`, a JSON report.
enum BuiltinSteps {
    /// `validate`: checks the dataset; every failed expectation is a reason the stage fails.
    static func validate(_ spec: ValidateSpec, workspace: PipelineWorkspace, stage: String, log: StageLog) async throws -> PipelineRunner.StepOutcome {
        let report = try await blocking {
            let table = try DataTable.read(path: workspace.directory.appendingPathComponent(spec.data).path)
            let report = ValidationReport(dataset: spec.data, table: table, expectations: spec.expectations)
            try writeReport(report, to: workspace.reportURL(stage))
            return report
        }
        log.write("\(spec.data): \(report.rows) rows, \(report.checks.count) expectations checked")
        for check in report.checks {
            let subject = check.column.map { "column '\($0)'" } ?? "table"
            log.write("\(check.passed ? "pass" : "FAIL")  \(subject) \(check.expectation): \(check.detail)")
        }
        return PipelineRunner.StepOutcome(
            failures: report.failures.map { "\($0.column.map { "column '\($0)' " } ?? "")\($0.expectation): \($0.detail)" },
            metrics: ["validation.rows": Double(report.rows), "validation.failed_expectations": Double(report.failures.count)]
        )
    }

    /// `gate`: checks the metrics and bias; the model goes no further unless all pass.
    static func gate(_ spec: GateSpec, champion: [String: Double]?, workspace: PipelineWorkspace, stage: String, log: StageLog) async throws -> PipelineRunner.StepOutcome {
        let report = try await blocking {
            let report = try GateReport(spec: spec, directory: workspace.directory, champion: champion)
            try writeReport(report, to: workspace.reportURL(stage))
            return report
        }
        for condition in report.conditions { log.write("\(condition.passed ? "pass" : "FAIL")  \(condition.detail)") }
        for check in report.bias { log.write("\(check.passed ? "pass" : "FAIL")  \(check.detail)") }
        for group in report.groups {
            log.write("        group '\(group.group)': n=\(group.count), selection rate \(group.selectionRate), TPR \(group.truePositiveRate), FPR \(group.falsePositiveRate)")
        }
        var metrics: [String: Double] = [:]
        for check in report.bias { if let value = check.value { metrics["bias.\(check.metric)"] = value } }
        return PipelineRunner.StepOutcome(failures: report.reasons, metrics: metrics)
    }

    /// `register`: a new registry version from the model directory, linked to this stage's run.
    static func register(
        _ spec: RegisterSpec, services: any PipelineServices, runID: String, metrics: [String: Double],
        tags: [String: String], workspace: PipelineWorkspace, log: StageLog
    ) async throws -> PipelineRunner.StepOutcome {
        log.write("registering '\(spec.model)' as a new version of model '\(spec.name)'")
        let version = try await services.registerModel(ModelRegistration(
            directory: workspace.directory.appendingPathComponent(spec.model), artifactPath: "model",
            name: spec.name, alias: spec.alias, runID: runID, tags: tags
        ))
        log.write("registered \(spec.name) version \(version)\(spec.alias.map { "; alias '\($0)' now points at it" } ?? "")")
        var result = ["model": spec.name, "version": String(version)]
        if let alias = spec.alias { result["alias"] = alias }
        return PipelineRunner.StepOutcome(metrics: metrics, result: result)
    }

    /// `deploy`: the registered version onto a deployment as canary or shadow.
    static func deploy(_ spec: DeploySpec, model: String, version: Int64, services: any PipelineServices, log: StageLog) async throws -> PipelineRunner.StepOutcome {
        let what = spec.mode == .canary ? "canary with \(spec.percent)% of traffic" : "shadow"
        log.write("deploying \(model) version \(version) on '\(spec.deployment)' as \(what)")
        let change = try await services.deploy(ModelDeployment(
            deployment: spec.deployment, model: model, version: version, mode: spec.mode, percent: spec.percent
        ))
        log.write(change.message)
        return PipelineRunner.StepOutcome(result: [
            "deployment": spec.deployment, "model": model, "version": String(version), "role": change.role,
        ])
    }

    private static func writeReport<Report: Encodable>(_ report: Report, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        try encoder.encode(report).write(to: url, options: .atomic)
    }
}
