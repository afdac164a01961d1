import ArgumentParser
import Hummingbird
import KeelGovernance
import KeelServer
import KeelStore
import Logging

extension Keel {
    /// `keel server`: the tracking server, MLflow-compatible.
    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Keel server: MLflow-compatible tracking and registry, artifacts, and deployments.",
            discussion: """
                With no options, metadata goes to SQLite at ./keel-data/keel.db and artifacts to
                ./keel-data/artifacts: nothing to install. For several machines, keep metadata in
                PostgreSQL:
                  keel server --db postgres://keel:secret@db.internal:5432/keel
                The official mlflow client works unchanged:
                  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py
                Deploy a registered model on the same port (see `keel deploy --help`):
                  keel deploy create churn --model churn@champion
                With --auth, every route but /health needs credentials (see `keel users --help`):
                  KEEL_ADMIN_PASSWORD=... keel server --auth
                  MLFLOW_TRACKING_USERNAME=admin MLFLOW_TRACKING_PASSWORD=... python train.py
                Each experiment, model, deployment and pipeline then has per-user permissions
                (see `keel permissions --help`).
                Stop with Ctrl-C: in-flight requests finish, then the database closes.
                """
        )

        @Option(help: "The address to listen on. Use 0.0.0.0 to accept connections from other machines.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on.")
        var port = 5000

        @Option(help: ArgumentHelp("Directory for embedded state: the SQLite database and, by default, artifacts.", valueName: "path"))
        var dataDir = "./keel-data"

        @Option(help: ArgumentHelp(
            "Metadata database: a postgres://user:pass@host:port/db URL, or an SQLite file path. Default: <data-dir>/keel.db.",
            valueName: "url"
        ))
        var db: String?

        @Option(help: ArgumentHelp("Directory for artifacts. Default: <data-dir>/artifacts.", valueName: "path"))
        var artifactRoot: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        @Option(help: ArgumentHelp(
            "Python interpreter for deployments' model workers. Default: $KEEL_PYTHON, else the active virtualenv, else python3 on PATH.",
            valueName: "path"
        ))
        var python: String?

        @Flag(help: ArgumentHelp(
            "Require credentials on every route but /health: users with passwords (Basic) or API tokens (Bearer).",
            discussion: "The first start creates the admin user $KEEL_ADMIN_USER (default admin) with password $KEEL_ADMIN_PASSWORD, or with a generated password printed once."
        ))
        var auth = false

        @Option(help: ArgumentHelp(
            "With --auth, what users may do with a resource nobody granted them anything on: READ (MLflow's default), USE, EDIT, MANAGE or NO_PERMISSIONS.",
            discussion: "Default: $KEEL_DEFAULT_PERMISSION, else READ. Whoever creates an experiment, model, deployment or pipeline gets MANAGE on it, and grants others with `keel permissions grant`.",
            valueName: "level"
        ))
        var defaultPermission: String?

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
            if let defaultPermission {
                guard (try? Permission(parsing: defaultPermission)) != nil else {
                    throw ValidationError("--default-permission must be one of READ, USE, EDIT, MANAGE, NO_PERMISSIONS.")
                }
            }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
            }
        }

        func run() async throws {
            var configuration = KeelServerConfiguration(
                host: host,
                port: port,
                dataDirectory: dataDir,
                database: db.map(StoreConfiguration.init(parsing:)),
                artifactRoot: artifactRoot,
                logLevel: Logger.Level(rawValue: logLevel) ?? .info,
                python: python
            )
            if auth {
                var settings = try AuthConfiguration.fromEnvironment()
                if let defaultPermission { settings.defaultPermission = try Permission(parsing: defaultPermission) }
                configuration.auth = settings
            }
            let app = try await buildApplication(configuration)
            try await app.runService()
        }
    }
}
