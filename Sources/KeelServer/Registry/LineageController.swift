import Hummingbird
import KeelCore
import KeelRegistry
import KeelStore
import KeelTracking

/// Keel's lineage API: `GET /api/2.0/keel/lineage/model-versions/{name}/{version}` and
/// `GET /api/2.0/keel/lineage/datasets/{digest}`.
struct LineageController<Context: RequestContext>: Sendable {
    let lineage: LineageService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("model-versions/:name/:version", use: modelVersion)
        group.get("datasets/:digest", use: dataset)
    }

    @Sendable func modelVersion(_ request: Request, context: Context) async throws -> ModelVersionLineageJSON {
        let name = try Self.decodedParameter("name", context)
        let version = try RegistryService.versionNumber(try Self.decodedParameter("version", context))
        return ModelVersionLineageJSON(try await lineage.lineage(name: name, version: version))
    }

    @Sendable func dataset(_ request: Request, context: Context) async throws -> DatasetLineageJSON {
        DatasetLineageJSON(try await lineage.lineage(datasetDigest: try Self.decodedParameter("digest", context)))
    }

    private static func decodedParameter(_ name: String, _ context: Context) throws -> String {
        let raw = try context.parameters.require(name)
        return PercentDecoding.decode(raw) ?? raw
    }
}

/// A dataset input in lineage answers: the dataset plus the context it was used in.
struct LineageDatasetJSON: Encodable {
    let name: String
    let digest: String
    let sourceType: String
    let source: String
    let schema: String?
    let profile: String?
    let context: String?

    init(_ dataset: Dataset, context: String?) {
        name = dataset.name
        digest = dataset.digest
        sourceType = dataset.sourceType
        source = dataset.source
        schema = dataset.schema
        profile = dataset.profile
        self.context = context
    }

    enum CodingKeys: String, CodingKey { case name, digest, sourceType = "source_type", source, schema, profile, context }
}

/// Answer of the model-version lineage query.
struct ModelVersionLineageJSON: ResponseEncodable {
    let lineage: ModelVersionLineage

    init(_ lineage: ModelVersionLineage) { self.lineage = lineage }

    private struct CodeJSON: Encodable {
        let gitCommit: String?
        let gitRepoUrl: String?
        let gitBranch: String?
        let sourceName: String?
        let sourceType: String?
        enum CodingKeys: String, CodingKey {
            case gitCommit = "git_commit", gitRepoUrl = "git_repo_url", gitBranch = "git_branch"
            case sourceName = "source_name", sourceType = "source_type"
        }
    }

    private struct DeploymentJSON: Encodable {
        let name: String
        let trafficShare: Double
        let role: String
        enum CodingKeys: String, CodingKey { case name, trafficShare = "traffic_share", role }
    }

    enum CodingKeys: String, CodingKey {
        case modelVersion = "model_version", loggedModel = "logged_model", run, datasets, code, deployments
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ModelVersionJSON(lineage.version), forKey: .modelVersion)
        try container.encodeIfPresent(lineage.loggedModel.map(LoggedModelJSON.init), forKey: .loggedModel)
        try container.encodeIfPresent(lineage.run.map(RunJSON.init), forKey: .run)
        try container.encode(lineage.datasets.map {
            LineageDatasetJSON($0.dataset, context: $0.tags.first { $0.key == "mlflow.data.context" }?.value)
        }, forKey: .datasets)
        let code = lineage.code
        try container.encode(CodeJSON(
            gitCommit: code.gitCommit, gitRepoUrl: code.gitRepoURL, gitBranch: code.gitBranch,
            sourceName: code.sourceName, sourceType: code.sourceType
        ), forKey: .code)
        try container.encode(lineage.deployments.map {
            DeploymentJSON(name: $0.name, trafficShare: $0.trafficShare, role: $0.role)
        }, forKey: .deployments)
    }
}

/// Answer of the dataset lineage query.
struct DatasetLineageJSON: ResponseEncodable {
    let lineage: DatasetLineage

    init(_ lineage: DatasetLineage) { self.lineage = lineage }

    private struct RunUseJSON: Encodable {
        let runId: String
        let runName: String
        let experimentId: String
        let dataset: LineageDatasetJSON
        enum CodingKeys: String, CodingKey { case runId = "run_id", runName = "run_name", experimentId = "experiment_id", dataset }
    }

    enum CodingKeys: String, CodingKey { case digest, runs, modelVersions = "model_versions" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lineage.digest, forKey: .digest)
        try container.encode(lineage.usages.map {
            RunUseJSON(runId: $0.runID, runName: $0.runName, experimentId: String($0.experimentID), dataset: LineageDatasetJSON($0.dataset, context: $0.context))
        }, forKey: .runs)
        try container.encode(lineage.modelVersions.map(ModelVersionJSON.init), forKey: .modelVersions)
    }
}
