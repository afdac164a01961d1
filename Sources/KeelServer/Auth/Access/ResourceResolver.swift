import Hummingbird
import KeelCore
import Foundation
import KeelGenAI
import KeelGovernance
import KeelMonitoring
import KeelStore
import KeelTracking

/// Finds the resources a request acts on, so their permissions can be checked before the
/// handler runs: runs, logged models and artifacts belong to their experiment, alert rules to
/// their deployment.
struct ResourceResolver: Sendable {
    let tracking: TrackingService
    let alerts: AlertService
    let traces: TraceService

    /// The resources named by the request; empty when it names none (then only admins pass).
    func resolve(_ locator: ResourceLocator, fields: RequestFields, request: Request) async throws -> [ResourceRef] {
        switch locator {
        case .experimentID:
            return try fields.string("experiment_id").map { [try experiment($0)] } ?? []
        case .experimentName:
            guard let name = fields.string("experiment_name") else { return [] }
            return [ResourceRef(.experiment, String(try await tracking.experiment(named: name).id))]
        case .experimentIDs:
            return try fields.strings("experiment_ids").map(experiment)
        case .run:
            guard let id = fields.string("run_id") ?? fields.string("run_uuid") else { return [] }
            return [ResourceRef(.experiment, String(try await tracking.run(id: id).info.experimentID))]
        case .loggedModel:
            guard let id = fields.string("model_id") else { return [] }
            return [ResourceRef(.experiment, String(try await tracking.loggedModel(id: id, allowDeleted: true).experimentID))]
        case .artifactPath:
            let path = request.method == .get && request.uri.path.hasSuffix("/artifacts")
                ? try ArtifactPath(validating: fields.string("path") ?? "")
                : try ArtifactsController<KeelRequestContext>.artifactPath(of: request)
            // Experiment artifacts live under `<experiment id>/`; anything else is the admin's.
            guard let first = path.components.first, Int64(first) != nil else { return [] }
            return [ResourceRef(.experiment, first)]
        case .registeredModel(let field):
            return fields.string(field).map { [ResourceRef(.registeredModel, $0)] } ?? []
        case .deployment(let field):
            return fields.string(field).map { [ResourceRef(.deployment, $0)] } ?? []
        case .alertRule:
            guard let text = fields.string("id"), let id = Int64(text) else { return [] }
            guard let rule = try await alerts.rules(deployment: nil).first(where: { $0.id == id }) else {
                throw KeelError.notFound("Alert rule \(id) not found.")
            }
            return [ResourceRef(.deployment, rule.deployment)]
        case .pipeline:
            return fields.string("name").map { [ResourceRef(.pipeline, $0)] } ?? []
        case .grantTarget:
            guard let type = fields.string("resource_type"), let id = fields.string("resource_id") else { return [] }
            return [ResourceRef(try ResourceKind(parsing: type), id)]
        case .experimentHeader:
            return try request.headers[OTLPController.experimentHeader].map { [try experiment($0)] } ?? []
        case .traceInfoExperiment:
            let info = (fields.values["trace"] as? [String: Any])?["trace_info"] as? [String: Any]
            return try Self.locationExperiment(info?["trace_location"]).map { [try experiment($0)] } ?? []
        case .traceLocations:
            let locations = fields.values["locations"] as? [Any] ?? []
            return try (locations.compactMap(Self.locationExperiment) + fields.strings("experiment_ids")).map(experiment)
        case .trace:
            guard let id = fields.string("trace_id") else { return [] }
            return [ResourceRef(.experiment, String(try await traces.experimentID(of: id)))]
        case .traces:
            var experiments: Set<String> = []
            for id in fields.strings("trace_ids") { experiments.insert(String(try await traces.experimentID(of: id))) }
            return experiments.sorted().map { ResourceRef(.experiment, $0) }
        }
    }

    /// What a request that names no resource is missing, for the error message.
    static func missing(_ locator: ResourceLocator) -> String {
        switch locator {
        case .experimentID: "experiment_id"
        case .experimentName: "experiment_name"
        case .experimentIDs: "experiment_ids"
        case .run: "run_id"
        case .loggedModel: "model_id"
        case .artifactPath: "an artifact path under an experiment's folder"
        case .registeredModel(let field), .deployment(let field): field
        case .alertRule: "the alert rule id"
        case .pipeline: "the pipeline name"
        case .grantTarget: "resource_type and resource_id"
        case .experimentHeader: "the x-mlflow-experiment-id header"
        case .traceInfoExperiment: "trace_info.trace_location"
        case .traceLocations: "locations"
        case .trace: "trace_id"
        case .traces: "trace_ids"
        }
    }

    /// `{"mlflow_experiment": {"experiment_id": "1"}}` → "1".
    private static func locationExperiment(_ location: Any?) -> String? {
        let id = ((location as? [String: Any])?["mlflow_experiment"] as? [String: Any])?["experiment_id"]
        return (id as? String) ?? (id as? NSNumber)?.stringValue
    }

    private func experiment(_ text: String) throws -> ResourceRef {
        ResourceRef(.experiment, String(try TrackingService.experimentID(text)))
    }
}
