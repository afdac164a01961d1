import ArgumentParser
import Foundation
import Hummingbird
import KeelServer
import KeelServing
import Logging

extension Keel {
    /// `keel serve`: one model behind MLflow's scoring protocol and the Open Inference Protocol.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve one model: a drop-in for `mlflow models serve`, with OIP and adaptive batching.",
            discussion: """
                Loads the model in a pool of Python worker processes and answers
                  POST /invocations   (dataframe_split, dataframe_records, instances, inputs, text/csv)
                  GET  /ping, /health, /version
                  POST /v2/models/<name>/infer   (Open Inference Protocol; tritonclient works)
                  GET  /metrics
                Examples:
                  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 keel serve --model models:/churn@champion
                  keel serve --model runs:/4f1c…/model --server http://keel.internal:5000 --workers 4
                  keel serve --model ./mlruns/0/abc/artifacts/model --python .venv/bin/python
                The interpreter needs mlflow and the model's flavor (e.g. scikit-learn). It is
                --python, else $KEEL_PYTHON, else the active virtualenv, else python3 on PATH.
                For deployments with canary, A/B and shadow traffic, use `keel deploy` instead.
                """
        )

        @Option(help: ArgumentHelp("The model: models:/name@alias, models:/name/<version>, runs:/<run>/<path>, or a local directory.", valueName: "uri"))
        var model: String

        @Option(help: "The address to listen on. Use 0.0.0.0 to accept connections from other machines.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on.")
        var port = 5001

        @Option(help: ArgumentHelp("The registry to load models:/ and runs:/ URIs from. Default: $MLFLOW_TRACKING_URI, else $KEEL_SERVER.", valueName: "url"))
        var server: String?

        @Option(help: ArgumentHelp("The Python interpreter for the model workers.", valueName: "path"))
        var python: String?

        @Option(help: "The model's name under /v2/models/ (Open Inference Protocol).")
        var name = "model"

        @Option(help: "Worker processes, each with its own copy of the model.")
        var workers = 2

        @Option(help: "The most requests sent to a worker at once (adaptive batching).")
        var maxBatchSize = 64

        @Option(help: ArgumentHelp("How long a free worker may wait for a batch as large as its last one, in milliseconds (0: never waits).", valueName: "ms"))
        var maxBatchWaitMs = 2

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
            guard (1...RuntimeConfiguration.Limits.maxWorkers).contains(workers) else {
                throw ValidationError("--workers must be between 1 and \(RuntimeConfiguration.Limits.maxWorkers).")
            }
            guard (1...RuntimeConfiguration.Limits.maxBatchSize).contains(maxBatchSize) else {
                throw ValidationError("--max-batch-size must be between 1 and \(RuntimeConfiguration.Limits.maxBatchSize).")
            }
            guard (0...RuntimeConfiguration.Limits.maxBatchWaitMilliseconds).contains(maxBatchWaitMs) else {
                throw ValidationError("--max-batch-wait-ms must be between 0 and \(RuntimeConfiguration.Limits.maxBatchWaitMilliseconds).")
            }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
            }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let configuration = ScoringServerConfiguration(
                host: host,
                port: port,
                modelURI: model,
                name: name,
                python: python,
                trackingURI: server ?? environment["MLFLOW_TRACKING_URI"] ?? environment["KEEL_SERVER"],
                runtime: RuntimeConfiguration(workers: workers, maxBatchSize: maxBatchSize, maxBatchWaitMilliseconds: maxBatchWaitMs),
                logLevel: Logger.Level(rawValue: logLevel) ?? .info
            )
            let app = try await buildScoringApplication(configuration)
            try await app.runService()
        }
    }
}
