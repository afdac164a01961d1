import Hummingbird
import KeelCore
import KeelGenAI
import KeelRegistry
import KeelStore
import KeelTracking

/// Keel's lineage API: `GET /api/2.0/keel/lineage/model-versions/{name}/{version}` and
/// `GET /api/2.0/keel/lineage/datasets/{digest}`.
struct LineageController<Context: RequestContext>: Sendable {
    let lineage: LineageService
    /// Where a prompt or model version's GenAI traces are.
    let genai: GenAIFeedbackService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("model-versions/:name/:version", use: modelVersion)
        group.get("datasets/:digest", use: dataset)
    }

    @Sendable func modelVersion(_ request: Request, context: Context) async throws -> ModelVersionLineageJSON {
        let name = try Self.decodedParameter("name", context)
        let version = try RegistryService.versionNumber(try Self.decodedParameter("version", context))
        let found = try await lineage.lineage(name: name, version: version)
        return ModelVersionLineageJSON(found, traces: try await genai.usage(name: name, version: version))
    }

    @Sendable func dataset(_ request: Request, context: Context) async throws -> DatasetLineageJSON {
        DatasetLineageJSON(try await lineage.lineage(datasetDigest: try Self.decodedParameter("digest", context)))
    }

    private static func decodedParameter(_ name: String, _ context: Context) throws -> String {
        let raw = try context.parameters.require(name)
        return PercentDecoding.decode(raw) ?? raw
    }
}

/// A dataset as a lineage answer shows it: the dataset plus the context it was used in.
private func writeDataset(_ dataset: Dataset, context: String?, to json: inout JSONWriter) {
    json.object { json in
        json.member("name", dataset.name)
        json.member("digest", dataset.digest)
        json.member("source_type", dataset.sourceType)
        json.member("source", dataset.source)
        json.member("schema", ifPresent: dataset.schema)
        json.member("profile", ifPresent: dataset.profile)
        json.member("context", ifPresent: context)
    }
}

/// Answer of the model-version lineage query.
struct ModelVersionLineageJSON: JSONWritableResponse {
    let lineage: ModelVersionLineage
    let traces: TraceUsage

    init(_ lineage: ModelVersionLineage, traces: TraceUsage) {
        self.lineage = lineage
        self.traces = traces
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("model_version", ModelVersionJSON(lineage.version))
            if let model = lineage.loggedModel { json.member("logged_model", LoggedModelJSON(model)) }
            if let run = lineage.run { json.member("run", RunJSON(run)) }
            json.key("datasets")
            json.array(lineage.datasets) { json, input in
                writeDataset(input.dataset, context: input.tags.first { $0.key == "mlflow.data.context" }?.value, to: &json)
            }
            json.key("code")
            json.object { json in
                let code = lineage.code
                json.member("git_commit", ifPresent: code.gitCommit)
                json.member("git_repo_url", ifPresent: code.gitRepoURL)
                json.member("git_branch", ifPresent: code.gitBranch)
                json.member("source_name", ifPresent: code.sourceName)
                json.member("source_type", ifPresent: code.sourceType)
            }
            json.key("deployments")
            json.array(lineage.deployments) { json, deployment in
                json.object { json in
                    json.member("name", deployment.name)
                    json.member("traffic_share", deployment.trafficShare)
                    json.member("role", deployment.role)
                }
            }
            json.key("traces")
            json.object { json in
                json.member("count", traces.traces)
                json.member("first_timestamp_ms", ifPresent: traces.firstTimestamp)
                json.member("last_timestamp_ms", ifPresent: traces.lastTimestamp)
                json.key("experiment_ids")
                json.array(traces.experimentIDs) { json, id in json.string(String(id)) }
            }
        }
    }
}

/// Answer of the dataset lineage query.
struct DatasetLineageJSON: JSONWritableResponse {
    let lineage: DatasetLineage

    init(_ lineage: DatasetLineage) { self.lineage = lineage }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("digest", lineage.digest)
            json.key("runs")
            json.array(lineage.usages) { json, usage in
                json.object { json in
                    json.member("run_id", usage.runID)
                    json.member("run_name", usage.runName)
                    json.member("experiment_id", String(usage.experimentID))
                    json.key("dataset")
                    writeDataset(usage.dataset, context: usage.context, to: &json)
                }
            }
            json.member("model_versions", lineage.modelVersions.map(ModelVersionJSON.init))
        }
    }
}
