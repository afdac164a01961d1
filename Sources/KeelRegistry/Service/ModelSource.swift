import KeelCore
import KeelStore
import KeelTracking
import SQLKit

/// Where a new version's files are, decided from the `source` the client sent.
///
/// MLflow's CVE-2023-1177 read arbitrary server files through a version whose source was a
/// local path. Keel never serves files outside its artifact store, and refuses any source it
/// cannot tie to it: the source must be a logged model, a run's artifact folder, another
/// version, or a path inside the run's (or model's) own artifact root. Remote object-store
/// URIs are kept as given: the client reads those itself, never the server.
struct ModelSource {
    let storageLocation: String
    let runID: String?
    let modelID: String?

    /// The source MLflow's client gives prompt versions, which have no files.
    static let promptSource = "dummy-source"
    private static let proxyMarker = "/api/2.0/mlflow-artifacts/artifacts/"
    private static let remoteSchemes = ["s3://", "gs://", "wasbs://", "abfss://", "hdfs://", "dbfs:/"]

    static func resolve(
        _ source: String, runID: String?, modelID: String?, tracking: TrackingService, in database: any SQLDatabase
    ) async throws -> ModelSource {
        func refuse(_ why: String) -> KeelError {
            .invalidParameter("Invalid model version source '\(source)': \(why).")
        }
        guard !source.isEmpty else { throw refuse("it is empty") }
        let decoded = PercentDecoding.decode(source) ?? source
        if decoded.contains("\u{0}") || decoded.split(separator: "/").contains("..") || decoded.contains("\\") {
            throw refuse("path traversal is not allowed")
        }

        if source.hasPrefix("models:/m-") {
            let id = String(source.dropFirst("models:/".count))
            if let modelID, modelID != id { throw refuse("it names logged model \(id) but model_id is \(modelID)") }
            let model = try await tracking.loggedModel(id: id)
            return ModelSource(storageLocation: model.artifactLocation, runID: runID ?? model.sourceRunID, modelID: id)
        }
        if source.hasPrefix("models:/") {
            let reference = String(source.dropFirst("models:/".count))
            let row = try await versionReference(reference, in: database)
            return ModelSource(storageLocation: row.storageLocation, runID: runID ?? row.runId, modelID: modelID ?? row.modelId)
        }
        if source.hasPrefix("runs:/") {
            let rest = source.dropFirst("runs:/".count)
            let parts = rest.split(separator: "/", maxSplits: 1).map(String.init)
            guard let sourceRun = parts.first, !sourceRun.isEmpty else { throw refuse("it names no run") }
            if let runID, runID != sourceRun { throw refuse("it names run \(sourceRun) but run_id is \(runID)") }
            let run = try await tracking.run(id: sourceRun)
            let path = try ArtifactPath(validating: parts.count > 1 ? parts[1] : "")
            // MLflow 3 stores a run's models as logged models; prefer one named like the path.
            if !path.isRoot, let model = try await tracking.searchLoggedModels(
                experimentIDs: [run.info.experimentID], filter: "source_run_id = '\(sourceRun)' AND name = '\(path.string.replacingOccurrences(of: "'", with: ""))'",
                datasets: [], maxResults: 1, orderBy: [], pageToken: nil
            ).models.first {
                return ModelSource(storageLocation: model.artifactLocation, runID: sourceRun, modelID: modelID ?? model.modelID)
            }
            let location = path.isRoot ? run.info.artifactURI : run.info.artifactURI + "/" + path.string
            return ModelSource(storageLocation: location, runID: sourceRun, modelID: modelID)
        }
        if let range = source.range(of: proxyMarker), source.hasPrefix("http://") || source.hasPrefix("https://") {
            let proxied = "mlflow-artifacts:/" + source[range.upperBound...]
            return try await underOwnRoot(proxied, runID: runID, modelID: modelID, tracking: tracking, refuse: refuse)
        }
        if source.hasPrefix("mlflow-artifacts:") {
            return try await underOwnRoot(source, runID: runID, modelID: modelID, tracking: tracking, refuse: refuse)
        }
        if remoteSchemes.contains(where: { source.hasPrefix($0) }) {
            return ModelSource(storageLocation: source, runID: runID, modelID: modelID)
        }
        throw refuse("local paths and file: URIs are not allowed; register a logged model (models:/m-…) or a run's artifacts (runs:/<run_id>/<path>)")
    }

    /// Accepts an artifact-store URI only inside the artifact root of the given run or logged model.
    private static func underOwnRoot(
        _ uri: String, runID: String?, modelID: String?, tracking: TrackingService, refuse: (String) -> KeelError
    ) async throws -> ModelSource {
        var roots: [String] = []
        if let runID { roots.append(try await tracking.run(id: runID).info.artifactURI) }
        if let modelID { roots.append(try await tracking.loggedModel(id: modelID).artifactLocation) }
        guard !roots.isEmpty else { throw refuse("an artifact-store source needs the run_id or model_id that owns it") }
        let normalized = try normalize(uri)
        for root in roots {
            let normalizedRoot = try normalize(root)
            if normalized == normalizedRoot || normalized.hasPrefix(normalizedRoot + "/") {
                return ModelSource(storageLocation: uri, runID: runID, modelID: modelID)
            }
        }
        throw refuse("it is outside the artifact root of its run or logged model")
    }

    /// `mlflow-artifacts:` URIs in one spelling (`mlflow-artifacts:/a/b`), validated as artifact paths.
    private static func normalize(_ uri: String) throws -> String {
        var path = uri.dropFirst("mlflow-artifacts:".count)
        while path.hasPrefix("/") { path = path.dropFirst() }
        return "mlflow-artifacts:/" + (try ArtifactPath(validating: PercentDecoding.decode(String(path)) ?? String(path))).string
    }

    /// The version named by `name/version`, `name/latest` or `name@alias`.
    private static func versionReference(_ reference: String, in database: any SQLDatabase) async throws -> ModelVersionRow {
        if let at = reference.firstIndex(of: "@") {
            let name = String(reference[..<at])
            let alias = String(reference[reference.index(after: at)...])
            return try await RegistryService.aliasedVersionRow(name, alias, in: database)
        }
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw KeelError.invalidParameter("Invalid model URI 'models:/\(reference)': expected models:/<name>/<version> or models:/<name>@<alias>.")
        }
        return try await RegistryService.requireVersionRow(parts[0], try RegistryService.versionNumber(parts[1]), in: database)
    }
}
