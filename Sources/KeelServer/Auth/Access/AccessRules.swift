import HTTPTypes
import KeelGovernance

/// The access rule of every route Keel serves, keyed by method and route pattern as the
/// router spells it (`POST /api/2.0/mlflow/runs/log-batch`, `GET /api/2.0/keel/deployments/{name}`).
///
/// The levels follow MLflow auth's validators: reading needs READ, changing needs EDIT,
/// deleting and renaming need MANAGE. A test walks the router's route list and fails on any
/// route missing here.
enum AccessRules {
    /// Rules by `"METHOD /pattern"`.
    static let byRoute: [String: AccessRule] = {
        var rules: [String: AccessRule] = [:]
        func add(_ method: HTTPRequest.Method, _ path: String, _ rule: AccessRule) { rules["\(method) \(path)"] = rule }
        for prefix in ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"] {
            for (method, path, rule) in mlflow { add(method, prefix + path, rule) }
        }
        for prefix in ["/api/3.0/mlflow", "/ajax-api/3.0/mlflow"] {
            for (method, path, rule) in mlflowV3 { add(method, prefix + path, rule) }
        }
        for (method, path, rule) in keel { add(method, path, rule) }
        return rules
    }()

    /// What a successful call does to grants besides its own work.
    enum Effect {
        /// The resource named by `from` is now named by `to`: its grants move.
        case renames(ResourceKind, from: String, to: String)
        /// The resource named by the field is gone: its grants go too.
        case deletes(ResourceKind, field: String)
    }

    /// Effects by `"METHOD /pattern"`.
    static let effects: [String: Effect] = {
        var effects: [String: Effect] = [:]
        for prefix in ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"] {
            effects["POST \(prefix)/registered-models/rename"] = .renames(.registeredModel, from: "name", to: "new_name")
            effects["DELETE \(prefix)/registered-models/delete"] = .deletes(.registeredModel, field: "name")
        }
        effects["DELETE /api/2.0/keel/deployments/{name}"] = .deletes(.deployment, field: "name")
        effects["DELETE /api/2.0/keel/pipelines/{name}"] = .deletes(.pipeline, field: "name")
        return effects
    }()

    private typealias Entry = (HTTPRequest.Method, String, AccessRule)

    private static let experiment = ResourceLocator.experimentID
    private static let model = ResourceLocator.registeredModel(field: "name")

    /// Under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`.
    private static let mlflow: [Entry] = [
        (.post, "/experiments/create", .create(.experiment, .responseField("experiment_id"))),
        (.get, "/experiments/get", .resource(.read, experiment)),
        (.get, "/experiments/get-by-name", .resource(.read, .experimentName)),
        (.post, "/experiments/search", .listing(.experiment, items: "experiments", id: "experiment_id")),
        (.get, "/experiments/search", .listing(.experiment, items: "experiments", id: "experiment_id")),
        (.post, "/experiments/update", .resource(.edit, experiment)),
        (.post, "/experiments/delete", .resource(.manage, experiment)),
        (.post, "/experiments/restore", .resource(.manage, experiment)),
        (.post, "/experiments/set-experiment-tag", .resource(.edit, experiment)),
        (.post, "/experiments/delete-experiment-tag", .resource(.edit, experiment)),

        (.post, "/runs/create", .resource(.edit, experiment)),
        (.get, "/runs/get", .resource(.read, .run)),
        (.post, "/runs/update", .resource(.edit, .run)),
        (.post, "/runs/delete", .resource(.manage, .run)),
        (.post, "/runs/restore", .resource(.manage, .run)),
        (.post, "/runs/log-metric", .resource(.edit, .run)),
        (.post, "/runs/log-parameter", .resource(.edit, .run)),
        (.post, "/runs/set-tag", .resource(.edit, .run)),
        (.post, "/runs/delete-tag", .resource(.edit, .run)),
        (.post, "/runs/log-batch", .resource(.edit, .run)),
        (.post, "/runs/log-inputs", .resource(.edit, .run)),
        (.post, "/runs/outputs", .resource(.edit, .run)),
        (.post, "/runs/search", .resource(.read, .experimentIDs)),
        (.get, "/runs/search", .resource(.read, .experimentIDs)),
        (.get, "/metrics/get-history", .resource(.read, .run)),

        (.post, "/logged-models", .resource(.edit, experiment)),
        (.post, "/logged-models/search", .resource(.read, .experimentIDs)),
        (.get, "/logged-models/{model_id}", .resource(.read, .loggedModel)),
        (.patch, "/logged-models/{model_id}", .resource(.edit, .loggedModel)),
        (.delete, "/logged-models/{model_id}", .resource(.manage, .loggedModel)),
        (.patch, "/logged-models/{model_id}/tags", .resource(.edit, .loggedModel)),
        (.delete, "/logged-models/{model_id}/tags/{key}", .resource(.edit, .loggedModel)),
        (.post, "/logged-models/{model_id}/params", .resource(.edit, .loggedModel)),

        (.post, "/registered-models/create", .create(.registeredModel, .requestField("name"))),
        (.get, "/registered-models/get", .resource(.read, model)),
        (.post, "/registered-models/rename", .resource(.manage, model)),
        (.patch, "/registered-models/update", .resource(.edit, model)),
        (.delete, "/registered-models/delete", .resource(.manage, model)),
        (.get, "/registered-models/search", .listing(.registeredModel, items: "registered_models", id: "name")),
        (.post, "/registered-models/get-latest-versions", .resource(.read, model)),
        (.get, "/registered-models/get-latest-versions", .resource(.read, model)),
        (.post, "/registered-models/set-tag", .resource(.edit, model)),
        (.delete, "/registered-models/delete-tag", .resource(.edit, model)),
        (.post, "/registered-models/alias", .resource(.edit, model)),
        (.delete, "/registered-models/alias", .resource(.edit, model)),
        (.get, "/registered-models/alias", .resource(.read, model)),

        (.post, "/model-versions/create", .resource(.edit, model)),
        (.get, "/model-versions/get", .resource(.read, model)),
        (.patch, "/model-versions/update", .resource(.edit, model)),
        (.post, "/model-versions/transition-stage", .resource(.edit, model)),
        (.delete, "/model-versions/delete", .resource(.manage, model)),
        (.get, "/model-versions/search", .listing(.registeredModel, items: "model_versions", id: "name")),
        (.get, "/model-versions/get-download-uri", .resource(.read, model)),
        (.post, "/model-versions/set-tag", .resource(.edit, model)),
        (.delete, "/model-versions/delete-tag", .resource(.edit, model)),

        (.post, "/users/create", .admin),
        (.get, "/users/get", .selfOrAdmin(field: "username")),
        (.get, "/users/current", .anyUser),
        (.get, "/users/list", .admin),
        (.patch, "/users/update-password", .selfOrAdmin(field: "username")),
        (.patch, "/users/update-admin", .admin),
        (.delete, "/users/delete", .admin),

        (.patch, "/traces/{trace_id}/tags", .resource(.edit, .trace)),
        (.delete, "/traces/{trace_id}/tags", .resource(.edit, .trace)),
        (.post, "/traces/delete-traces", .resource(.manage, experiment)),
        (.post, "/traces/link-prompts", .resource(.edit, .trace)),
    ]

    /// Under `/api/3.0/mlflow` and `/ajax-api/3.0/mlflow`.
    private static let mlflowV3: [Entry] = [
        (.get, "/server-info", .anyUser),
        (.post, "/traces", .resource(.edit, .traceInfoExperiment)),
        (.get, "/traces/get", .resource(.read, .trace)),
        (.get, "/traces/batchGet", .resource(.read, .traces)),
        (.post, "/traces/search", .resource(.read, .traceLocations)),
        (.get, "/traces/{trace_id}", .resource(.read, .trace)),
        (.post, "/traces/{trace_id}/assessments", .resource(.edit, .trace)),
        (.get, "/traces/{trace_id}/assessments/{assessment_id}", .resource(.read, .trace)),
        (.patch, "/traces/{trace_id}/assessments/{assessment_id}", .resource(.edit, .trace)),
        (.delete, "/traces/{trace_id}/assessments/{assessment_id}", .resource(.edit, .trace)),
        (.post, "/users/permissions/grant", .resource(.manage, .grantTarget)),
        (.post, "/users/permissions/revoke", .resource(.manage, .grantTarget)),
        (.get, "/users/permissions/get", .selfOrManager(field: "username", .grantTarget)),
        (.get, "/users/permissions/list", .selfOrAdmin(field: "username")),
        (.get, "/users/current/permissions", .anyUser),
    ]

    private static let deployment = ResourceLocator.deployment(field: "name")

    /// Keel's own routes, the artifact proxy and the serving protocols.
    private static let keel: [Entry] = [
        (.get, "/health", .open),
        // Web pages: lists show only what the user may read; a page about one thing needs READ on it.
        (.get, "/", .open),
        (.get, "/ui", .open),
        (.get, "/ui/static/keel.css", .open),
        (.get, "/ui/static/keel.js", .open),
        (.get, "/ui/static/keel.svg", .open),
        (.get, "/ui/login", .open),
        (.post, "/ui/login", .open),
        (.post, "/ui/logout", .anyUser),
        (.get, "/ui/experiments", .anyUser),
        (.get, "/ui/experiments/{experiment_id}", .resource(.read, experiment)),
        (.get, "/ui/experiments/{experiment_id}/traces", .resource(.read, experiment)),
        (.get, "/ui/traces/{trace_id}", .resource(.read, .trace)),
        (.get, "/ui/runs/{run_id}", .resource(.read, .run)),
        (.get, "/ui/runs/{run_id}/artifact", .resource(.read, .run)),
        // The page checks READ on each run's experiment.
        (.get, "/ui/compare", .anyUser),
        (.get, "/ui/models", .anyUser),
        (.get, "/ui/models/{name}", .resource(.read, model)),
        (.get, "/ui/models/{name}/versions/{version}", .resource(.read, model)),
        (.get, "/ui/models/{name}/versions/{version}/card", .resource(.read, model)),
        (.get, "/ui/audit", .admin),
        (.get, "/ui/pipelines", .anyUser),
        (.get, "/ui/pipelines/{name}", .resource(.read, .pipeline)),
        (.get, "/ui/deployments", .anyUser),
        (.get, "/ui/deployments/{name}", .resource(.read, .deployment(field: "name"))),
        (.get, "/ui/deployments/{name}/monitoring", .resource(.read, .deployment(field: "name"))),
        // OTLP span export: MLflow's client and any OpenTelemetry SDK.
        (.post, "/v1/traces", .resource(.edit, .experimentHeader)),
        (.get, "/version", .anyUser),
        (.get, "/metrics", .anyUser),

        (.get, "/api/2.0/mlflow-artifacts/artifacts", .resource(.read, .artifactPath)),
        (.get, "/api/2.0/mlflow-artifacts/artifacts/**", .resource(.read, .artifactPath)),
        (.put, "/api/2.0/mlflow-artifacts/artifacts/**", .resource(.edit, .artifactPath)),
        (.delete, "/api/2.0/mlflow-artifacts/artifacts/**", .resource(.manage, .artifactPath)),
        // Answers "not supported" and touches nothing.
        (.post, "/api/2.0/mlflow-artifacts/mpu/**", .anyUser),

        (.get, "/api/2.0/keel/lineage/model-versions/{name}/{version}", .resource(.read, model)),
        (.get, "/api/2.0/keel/lineage/datasets/{digest}", .listing(.registeredModel, items: "model_versions", id: "name")),

        (.get, "/api/2.0/keel/model-cards/{name}/{version}", .resource(.read, model)),
        (.patch, "/api/2.0/keel/model-cards/{name}", .resource(.edit, model)),

        (.post, "/api/2.0/keel/deployments", .create(.deployment, .requestField("name"))),
        (.get, "/api/2.0/keel/deployments", .listing(.deployment, items: "deployments", id: "name")),
        (.get, "/api/2.0/keel/deployments/{name}", .resource(.read, deployment)),
        (.patch, "/api/2.0/keel/deployments/{name}", .resource(.edit, deployment)),
        (.delete, "/api/2.0/keel/deployments/{name}", .resource(.manage, deployment)),
        (.post, "/api/2.0/keel/deployments/{name}/promote", .resource(.edit, deployment)),
        (.post, "/api/2.0/keel/deployments/{name}/rollback", .resource(.edit, deployment)),
        (.get, "/api/2.0/keel/deployments/{name}/history", .resource(.read, deployment)),
        (.get, "/api/2.0/keel/deployments/{name}/monitor", .resource(.read, deployment)),
        (.put, "/api/2.0/keel/deployments/{name}/monitor", .resource(.edit, deployment)),
        (.put, "/api/2.0/keel/deployments/{name}/reference", .resource(.edit, deployment)),
        (.post, "/api/2.0/keel/deployments/{name}/reference/from-lineage", .resource(.edit, deployment)),
        (.get, "/api/2.0/keel/deployments/{name}/reference", .resource(.read, deployment)),
        (.get, "/api/2.0/keel/deployments/{name}/drift", .resource(.read, deployment)),
        (.get, "/api/2.0/keel/deployments/{name}/performance", .resource(.read, deployment)),
        (.post, "/api/2.0/keel/feedback", .resource(.edit, .deployment(field: "deployment"))),
        (.get, "/api/2.0/keel/inference-log", .resource(.read, .deployment(field: "deployment"))),

        (.post, "/api/2.0/keel/alerts/rules", .resource(.edit, .deployment(field: "deployment"))),
        (.get, "/api/2.0/keel/alerts/rules", .resource(.read, .deployment(field: "deployment"))),
        (.delete, "/api/2.0/keel/alerts/rules/{id}", .resource(.edit, .alertRule)),
        (.post, "/api/2.0/keel/alerts/rules/{id}/evaluate", .resource(.edit, .alertRule)),
        (.get, "/api/2.0/keel/alerts", .resource(.read, .deployment(field: "deployment"))),

        (.post, "/api/2.0/keel/pipelines", .create(.pipeline, .requestField("name"))),
        (.get, "/api/2.0/keel/pipelines", .listing(.pipeline, items: "pipelines", id: "name")),
        (.get, "/api/2.0/keel/pipelines/{name}", .resource(.read, .pipeline)),
        (.patch, "/api/2.0/keel/pipelines/{name}", .resource(.edit, .pipeline)),
        (.delete, "/api/2.0/keel/pipelines/{name}", .resource(.manage, .pipeline)),
        (.post, "/api/2.0/keel/pipelines/{name}/runs", .resource(.use, .pipeline)),
        (.get, "/api/2.0/keel/pipelines/{name}/runs", .resource(.read, .pipeline)),
        (.get, "/api/2.0/keel/pipelines/{name}/runs/{id}", .resource(.read, .pipeline)),
        (.get, "/api/2.0/keel/pipelines/{name}/runs/{id}/events", .resource(.read, .pipeline)),
        (.post, "/api/2.0/keel/pipelines/{name}/runs/{id}/cancel", .resource(.use, .pipeline)),

        (.post, "/api/2.0/keel/traces/{trace_id}/feedback", .resource(.edit, .trace)),
        (.put, "/api/2.0/keel/genai/ab-tests/{name}", .resource(.edit, model)),
        (.get, "/api/2.0/keel/genai/ab-tests/{name}", .resource(.read, model)),
        (.delete, "/api/2.0/keel/genai/ab-tests/{name}", .resource(.edit, model)),
        (.get, "/api/2.0/keel/genai/ab-tests/{name}/assign", .resource(.read, model)),
        (.get, "/api/2.0/keel/genai/compare/{name}", .resource(.read, model)),
        (.get, "/api/2.0/keel/genai/feedback/{name}", .resource(.read, model)),

        (.get, "/api/2.0/keel/whoami", .anyUser),
        (.post, "/api/2.0/keel/users", .admin),
        (.get, "/api/2.0/keel/users", .admin),
        (.get, "/api/2.0/keel/users/{username}", .selfOrAdmin(field: "username")),
        (.patch, "/api/2.0/keel/users/{username}", .selfOrAdmin(field: "username")),
        (.delete, "/api/2.0/keel/users/{username}", .admin),
        // The controller keeps a user to their own tokens unless they are an admin.
        (.post, "/api/2.0/keel/tokens", .anyUser),
        (.get, "/api/2.0/keel/tokens", .anyUser),
        (.delete, "/api/2.0/keel/tokens/{id}", .anyUser),
        (.get, "/api/2.0/keel/permissions", .resource(.manage, .grantTarget)),
        (.get, "/api/2.0/keel/audit", .admin),
        (.get, "/api/2.0/keel/audit/verify", .admin),

        // Predicting needs USE on the deployment; looking at it, READ.
        (.post, "/deployments/{name}/invocations", .resource(.use, deployment)),
        (.get, "/deployments/{name}/invocations", .resource(.read, deployment)),
        (.get, "/deployments/{name}/ping", .resource(.read, deployment)),
        (.get, "/v2", .anyUser),
        (.get, "/v2/health/live", .anyUser),
        (.get, "/v2/health/ready", .anyUser),
        (.get, "/v2/models/{name}", .resource(.read, deployment)),
        (.get, "/v2/models/{name}/ready", .resource(.read, deployment)),
        (.post, "/v2/models/{name}/infer", .resource(.use, deployment)),
        (.get, "/v2/models/{name}/versions/{version}", .resource(.read, deployment)),
        (.get, "/v2/models/{name}/versions/{version}/ready", .resource(.read, deployment)),
        (.post, "/v2/models/{name}/versions/{version}/infer", .resource(.use, deployment)),
    ]
}
