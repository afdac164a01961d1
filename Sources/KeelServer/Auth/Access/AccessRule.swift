import KeelGovernance

/// Who may call one route: the server keeps one of these for every route it serves, and a
/// route without one is closed to everyone but admins (deny by default).
enum AccessRule: Sendable {
    /// Anyone, signed in or not (`/health`).
    case open
    /// Any signed-in user.
    case anyUser
    /// Admins only.
    case admin
    /// The user named by this field, or an admin.
    case selfOrAdmin(field: String)
    /// The user named by this field, an admin, or a holder of MANAGE on the located resource
    /// (who may see what others hold on it).
    case selfOrManager(field: String, ResourceLocator)
    /// At least this level on the resource the locator finds in the request.
    case resource(Permission, ResourceLocator)
    /// Any signed-in user may create one; the creator is granted MANAGE on what they made.
    case create(ResourceKind, CreatedResource)
    /// Any signed-in user may list; the answer's `items` array keeps only the entries whose
    /// `id` field names a resource the user may read (MLflow filters its searches the same way).
    case listing(ResourceKind, items: String, id: String)

    /// The level this rule needs on a resource, when it is a resource rule.
    var neededPermission: Permission? {
        if case .resource(let level, _) = self { return level }
        return nil
    }
}

/// Where a request names the resource a rule checks.
enum ResourceLocator: Sendable {
    /// `experiment_id`.
    case experimentID
    /// `experiment_name` (get-by-name).
    case experimentName
    /// Each of `experiment_ids` (searches); every one must pass.
    case experimentIDs
    /// `run_id` (or MLflow's older `run_uuid`): the run's experiment.
    case run
    /// `model_id`: the logged model's experiment.
    case loggedModel
    /// An artifact path (`mlflow-artifacts`): its first folder is the experiment id.
    case artifactPath
    /// A registered model's name in this field.
    case registeredModel(field: String)
    /// A deployment's name in this field; a request without one (listing every deployment's
    /// alerts, say) passes for admins only.
    case deployment(field: String)
    /// An alert rule's `id`: the rule's deployment.
    case alertRule
    /// A pipeline's name in `name`.
    case pipeline
    /// The `resource_type` and `resource_id` of a permission grant.
    case grantTarget
    /// The `x-mlflow-experiment-id` header of an OTLP export.
    case experimentHeader
    /// `trace.trace_info.trace_location.mlflow_experiment.experiment_id` (StartTraceV3).
    case traceInfoExperiment
    /// The experiments of a trace search: `locations[].mlflow_experiment.experiment_id`.
    case traceLocations
    /// `trace_id` (path or query): the trace's experiment.
    case trace
    /// Each of `trace_ids`: their experiments.
    case traces
}

/// How the server learns the id of a resource a request created.
enum CreatedResource: Sendable {
    /// The request body's field (registered models, deployments, pipelines are named by their creator).
    case requestField(String)
    /// The answer's field (experiments get their id from the server).
    case responseField(String)
}
