public import Foundation

/// How to start model workers: which interpreter, where the worker package is, which environment.
public struct WorkerLaunchConfiguration: Sendable {
    /// The Python interpreter that runs `python -m keel_worker`.
    public var python: String
    /// The directory that contains the `keel_worker` package (prepended to `PYTHONPATH`).
    public var workerPackageDirectory: String
    /// The complete environment of the child.
    public var environment: [String: String]

    /// Finds the interpreter and the worker package, as the user would expect.
    ///
    /// The interpreter is `python` if given (`--python`), else `KEEL_PYTHON`, else the active
    /// `VIRTUAL_ENV`'s `bin/python`, else `python3` on `PATH`. The worker package is
    /// `KEEL_WORKER_PATH` if set, else `python/` in the source checkout the binary was built in
    /// (found by walking up from the executable), else `share/keel/python` beside it.
    ///
    /// - Parameters:
    ///   - python: an explicit interpreter path, if the user gave one.
    ///   - trackingURI: the registry workers load `models:/` URIs from (`MLFLOW_TRACKING_URI`).
    public static func discover(
        python: String?,
        trackingURI: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WorkerLaunchConfiguration {
        let interpreter = try findPython(explicit: python, environment: environment)
        let package = try findWorkerPackage(environment: environment)
        var childEnvironment = environment
        childEnvironment["PYTHONPATH"] = [package, environment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
        childEnvironment["MLFLOW_DISABLE_TELEMETRY"] = environment["MLFLOW_DISABLE_TELEMETRY"] ?? "true"
        childEnvironment["PYTHONUNBUFFERED"] = "1"
        if let trackingURI { childEnvironment["MLFLOW_TRACKING_URI"] = trackingURI }
        return WorkerLaunchConfiguration(python: interpreter, workerPackageDirectory: package, environment: childEnvironment)
    }

    static func findPython(explicit: String?, environment: [String: String]) throws -> String {
        let fileManager = FileManager.default
        if let explicit, !explicit.isEmpty {
            guard fileManager.isExecutableFile(atPath: explicit) else {
                throw WorkerError.modelUnavailable("--python \(explicit) is not an executable file")
            }
            return explicit
        }
        if let fromEnvironment = environment["KEEL_PYTHON"], !fromEnvironment.isEmpty {
            guard fileManager.isExecutableFile(atPath: fromEnvironment) else {
                throw WorkerError.modelUnavailable("KEEL_PYTHON=\(fromEnvironment) is not an executable file")
            }
            return fromEnvironment
        }
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty {
            let candidate = venv + "/bin/python"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/python3"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw WorkerError.modelUnavailable(
            "no Python interpreter found: pass --python PATH, set KEEL_PYTHON, activate a virtualenv, or put python3 on PATH "
                + "(it needs the mlflow package and the model's flavor, e.g. scikit-learn)"
        )
    }

    static func findWorkerPackage(environment: [String: String]) throws -> String {
        let fileManager = FileManager.default
        let marker = "keel_worker/__main__.py"
        if let explicit = environment["KEEL_WORKER_PATH"], !explicit.isEmpty {
            guard fileManager.fileExists(atPath: "\(explicit)/\(marker)") else {
                throw WorkerError.modelUnavailable("KEEL_WORKER_PATH=\(explicit) does not contain \(marker)")
            }
            return explicit
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in [directory.appendingPathComponent("python"), directory.appendingPathComponent("share/keel/python")]
            where fileManager.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
                return candidate.path
            }
            directory.deleteLastPathComponent()
        }
        throw WorkerError.modelUnavailable(
            "cannot find the model worker (\(marker)) near \(executable.path); set KEEL_WORKER_PATH to the repository's python/ directory"
        )
    }
}
