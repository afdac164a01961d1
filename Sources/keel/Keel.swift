import ArgumentParser
import KeelCore

/// `keel`: the Keel server and its command line, in one binary (started by `main.swift`).
struct Keel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel",
        abstract: "Keel: track experiments, register models, serve them and watch them drift — one self-hosted binary.",
        discussion: """
            Start a server on embedded defaults (SQLite + a local artifact directory):
              keel server
            Then point the official MLflow client at it:
              export MLFLOW_TRACKING_URI=http://127.0.0.1:5000
            and look at what was logged:
              keel experiments list
              keel runs list --experiment my-experiment --filter "metrics.accuracy > 0.9"
            Run a pipeline (keel.yaml) where it is, cached and recorded:
              keel run            # see `keel run --help`, `keel pipelines --help`
            Require sign-in on a shared server, then share resources per user:
              KEEL_ADMIN_PASSWORD=... keel server --auth   # see `keel users --help`
              keel permissions grant bob EDIT experiment/3
            Document a model version from its lineage:
              keel card churn/3 --html -o card.html
            Trace a GenAI app with the mlflow client (@mlflow.trace) or any OpenTelemetry
            exporter pointed at http://127.0.0.1:5000/v1/traces: see docs/genai.md.
            """,
        version: KeelBuild.version,
        subcommands: [Server.self, Serve.self, Deploy.self, Monitor.self, Drift.self, Run.self, Status.self, Dag.self, Pipelines.self, Users.self, Tokens.self, Permissions.self, Card.self, Audit.self, Experiments.self, Runs.self, Models.self, GenAI.self]
    )
}
