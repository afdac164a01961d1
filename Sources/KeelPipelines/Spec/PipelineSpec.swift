/// A pipeline as `keel.yaml` describes it: stages in file order, each a command or one of
/// Keel's built-in kinds, linked by the files they read and write (the shape of `dvc.yaml`).
public struct PipelineSpec: Sendable, Equatable {
    /// The parameters file, relative to the pipeline's directory (`params.yaml` unless set).
    public var paramsFile: String
    /// The stages, in the order the file lists them.
    public var stages: [StageSpec]
    /// Where command stages run unless they say otherwise (`executor:` at the top).
    public var executor: ExecutorKind = .local
    /// The Ray Jobs API address (`ray: {address: ...}`); `RAY_ADDRESS` when nil.
    public var rayAddress: String?

    /// The stage called `name`.
    public func stage(_ name: String) -> StageSpec? {
        stages.first { $0.name == name }
    }
}

/// Where a command stage runs.
public enum ExecutorKind: String, Sendable, Equatable, CaseIterable {
    /// A subprocess of `keel run` (or of the server), in the pipeline's directory.
    case local
    /// A job on a Ray cluster, submitted through the Ray Jobs REST API.
    case ray
}

/// One stage of a pipeline.
public struct StageSpec: Sendable, Equatable {
    /// What the stage does.
    public enum Kind: Sendable, Equatable {
        /// A shell command, run in the pipeline's directory (`${section.key}` taken from params).
        case command(String)
        /// Checks a dataset against expectations; a failure stops the pipeline.
        case validate(ValidateSpec)
        /// Checks metrics and bias; a failure stops everything after it.
        case gate(GateSpec)
        /// Logs a model directory as a new registry version and moves an alias.
        case register(RegisterSpec)
        /// Rolls a registered version out on a deployment.
        case deploy(DeploySpec)

        /// The kind's name in `keel.yaml` (`cmd` for commands).
        public var name: String {
            switch self {
            case .command: "cmd"
            case .validate: "validate"
            case .gate: "gate"
            case .register: "register"
            case .deploy: "deploy"
            }
        }
    }

    public var name: String
    public var kind: Kind
    /// Files and directories read (their content is hashed for the cache).
    public var deps: [String]
    /// Files and directories written (cached by content, restored on a cache hit).
    public var outs: [String]
    /// Parameter keys read from the params file (`train` for a section, `train.seed` for one value).
    public var params: [String]
    /// JSON metrics files written, logged to the stage's run.
    public var metrics: [String]
    /// Stages that must finish first although no file links them.
    public var after: [String]
    /// A description for people.
    public var description: String?
    /// Where the command runs, when not the pipeline's default.
    public var executor: ExecutorKind?

    /// Everything the stage writes: outputs and metrics files.
    public var products: [String] { outs + metrics }

    /// Everything the stage reads: its deps and its built-in kind's inputs.
    public var inputs: [String] {
        var inputs = deps
        switch kind {
        case .command, .deploy: break
        case .validate(let spec): inputs.append(spec.data)
        case .gate(let spec):
            if let metrics = spec.metrics { inputs.append(metrics) }
            if let bias = spec.bias { inputs.append(bias.predictions) }
        case .register(let spec): inputs.append(spec.model)
        }
        return inputs
    }
}

/// `validate:` — a dataset and what it must satisfy.
public struct ValidateSpec: Sendable, Equatable {
    /// The CSV or JSON Lines file.
    public var data: String
    public var expectations: DatasetExpectations
}

/// `gate:` — conditions on a metrics file and limits on bias.
public struct GateSpec: Sendable, Equatable {
    /// The JSON metrics file the conditions read.
    public var metrics: String?
    public var conditions: [MetricCondition]
    public var bias: BiasSpec?
    /// The registered model whose champion `prev` refers to (defaults to the pipeline's
    /// `register` stage's model).
    public var model: String?
    /// The alias that names the champion.
    public var champion: String
}

/// `bias:` inside a gate — which columns of a predictions file to read, and the limits.
public struct BiasSpec: Sendable, Equatable {
    public var predictions: String
    public var sensitive: String
    public var label: String
    public var prediction: String
    public var limits: BiasLimits
}

/// `register:` — a model directory to log as a new version.
public struct RegisterSpec: Sendable, Equatable {
    /// The MLflow model directory a stage produced.
    public var model: String
    /// The registered model's name.
    public var name: String
    /// The alias moved to the new version.
    public var alias: String?
}

/// `deploy:` — how the new version reaches traffic.
public struct DeploySpec: Sendable, Equatable {
    /// How the new version takes traffic.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// A share of live traffic.
        case canary
        /// A copy of live traffic whose answers are logged, never returned.
        case shadow
    }

    public var deployment: String
    public var mode: Mode
    /// The canary's share of traffic, 1–99 (ignored for shadow).
    public var percent: Int
}
