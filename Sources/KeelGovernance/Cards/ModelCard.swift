/// A model card for one registered model version, generated from lineage rather than typed by
/// hand. Its sections follow "Model Cards for Model Reporting" (Mitchell et al., 2019); each
/// names the EU AI Act technical-documentation items (Annex IV, Articles 10–15 and 72) it
/// serves, in ``EUAIActMapping``.
///
/// Fields only a person can know (intended use, out-of-scope use, ethical considerations,
/// caveats) are registered-model tags `keel.card.*`; ``missing`` lists those not filled in.
public struct ModelCard: Sendable, Encodable {
    /// The card's format, for programs reading the JSON.
    public var format = "keel.model-card/1"
    public var generatedAt: Int64
    public var modelDetails: Details
    public var intendedUse: IntendedUse
    public var factors: Factors
    public var metrics: Metrics
    public var evaluationData: [DataEntry]
    public var trainingData: [DataEntry]
    /// Why this data was used: the version's `keel.data_justification`, required to move a protected alias.
    public var dataJustification: String?
    public var quantitativeAnalyses: QuantitativeAnalyses
    public var deployments: [DeploymentEntry]
    public var ethicalConsiderations: String?
    public var caveatsAndRecommendations: String?
    /// The model's registry history: versions created, aliases moved, stages changed.
    public var changes: [Change]
    /// Which EU AI Act items each section serves.
    public var euAIAct: [EUAIActMapping.Section]
    /// Owner-filled fields still empty, as the tags that fill them.
    public var missing: [String]

    enum CodingKeys: String, CodingKey {
        case format, generatedAt = "generated_at", modelDetails = "model_details", intendedUse = "intended_use", factors, metrics
        case evaluationData = "evaluation_data", trainingData = "training_data", dataJustification = "data_justification"
        case quantitativeAnalyses = "quantitative_analyses", deployments, ethicalConsiderations = "ethical_considerations"
        case caveatsAndRecommendations = "caveats_and_recommendations", changes, euAIAct = "eu_ai_act", missing
    }

    /// Who built the model, when, from what code and settings.
    public struct Details: Sendable, Encodable {
        public var name: String
        public var version: Int64
        public var description: String?
        public var modelDescription: String?
        public var createdAt: Int64
        public var createdBy: String?
        public var status: String
        public var aliases: [String]
        public var source: String
        public var runID: String?
        public var experimentID: String?
        public var pipeline: String?
        public var pipelineRunID: String?
        public var gitCommit: String?
        public var gitRepo: String?
        public var modelSHA256: String?
        public var params: [String: String]
        /// Code files the pipeline's stages read, by content hash.
        public var code: [DataEntry]

        enum CodingKeys: String, CodingKey {
            case name, version, description, modelDescription = "model_description", createdAt = "created_at", createdBy = "created_by"
            case status, aliases, source, runID = "run_id", experimentID = "experiment_id", pipeline, pipelineRunID = "pipeline_run_id"
            case gitCommit = "git_commit", gitRepo = "git_repo", modelSHA256 = "model_sha256", params, code
        }
    }

    /// What the model is for, and not for (filled by its owner).
    public struct IntendedUse: Sendable, Encodable {
        public var primaryUses: String?
        public var primaryUsers: String?
        public var outOfScopeUses: String?

        enum CodingKeys: String, CodingKey { case primaryUses = "primary_uses", primaryUsers = "primary_users", outOfScopeUses = "out_of_scope_uses" }
    }

    /// The groups the model was examined across.
    public struct Factors: Sendable, Encodable {
        public var relevantFactors: String?
        /// Sensitive columns the gates examined.
        public var sensitiveAttributes: [String]

        enum CodingKeys: String, CodingKey { case relevantFactors = "relevant_factors", sensitiveAttributes = "sensitive_attributes" }
    }

    /// The numbers the training run logged, and the checks the version passed.
    public struct Metrics: Sendable, Encodable {
        public var values: [String: Double]
        public var gates: [Gate]
        public var validations: [Validation]
    }

    /// A gate stage's outcome.
    public struct Gate: Sendable, Encodable {
        public struct Condition: Sendable, Encodable {
            public var condition: String
            public var passed: Bool
            public var value: Double?
            public var bound: Double?
        }

        public struct Bias: Sendable, Encodable {
            public var metric: String
            public var value: Double?
            public var limit: Double
            public var passed: Bool
        }

        public struct Group: Sendable, Encodable {
            public var group: String
            public var count: Int
            public var selectionRate: Double
            public var truePositiveRate: Double
            public var falsePositiveRate: Double

            enum CodingKeys: String, CodingKey {
                case group, count, selectionRate = "selection_rate", truePositiveRate = "true_positive_rate", falsePositiveRate = "false_positive_rate"
            }
        }

        public var stage: String
        public var passed: Bool
        public var conditions: [Condition]
        public var bias: [Bias]
        public var sensitive: String?
        public var groups: [Group]
    }

    /// A validate stage's outcome on one dataset.
    public struct Validation: Sendable, Encodable {
        public var stage: String
        public var dataset: String
        public var rows: Int
        public var passed: Bool
        /// Each expectation, e.g. `age: type integer` → passed.
        public var checks: [Check]

        public struct Check: Sendable, Encodable {
            public var column: String?
            public var expectation: String
            public var passed: Bool
            public var detail: String
        }
    }

    /// A file or directory a stage read, by content hash.
    public struct DataEntry: Sendable, Encodable, Hashable {
        public var name: String
        /// MLflow's dataset digest: the first 32 hex digits of the SHA-256.
        public var digest: String
        public var sha256: String?
        public var source: String?
        public var sizeBytes: Int64?
        /// The stages that read it.
        public var stages: [String]
        /// Rows, when a validate stage counted them.
        public var rows: Int?
        /// The validate stage's expectations on its columns (its schema, as checked).
        public var schema: [String]

        enum CodingKeys: String, CodingKey {
            case name, digest, sha256, source, sizeBytes = "size_bytes", stages, rows, schema
        }
    }

    /// Per-group results of every gate with bias checks.
    public struct QuantitativeAnalyses: Sendable, Encodable {
        public var bias: [Gate]
    }

    /// A deployment serving the version, with its history and what monitoring has seen.
    public struct DeploymentEntry: Sendable, Encodable {
        public var name: String
        public var role: String
        public var trafficShare: Double
        public var history: [Change]
        public var monitoring: Monitoring

        enum CodingKeys: String, CodingKey { case name, role, trafficShare = "traffic_share", history, monitoring }
    }

    /// Drift and live performance over the last 30 days, or why they are not known.
    public struct Monitoring: Sendable, Encodable {
        public var window: String
        public var requests: Int?
        public var errors: Int?
        public var driftShare: Double?
        public var driftedColumns: Int?
        public var driftDetected: Bool?
        public var driftNote: String?
        public var labelled: Int?
        public var performance: [String: Double]
        public var performanceNote: String?

        enum CodingKeys: String, CodingKey {
            case window, requests, errors, driftShare = "drift_share", driftedColumns = "drifted_columns", driftDetected = "drift_detected"
            case driftNote = "drift_note", labelled, performance, performanceNote = "performance_note"
        }
    }

    /// One dated change.
    public struct Change: Sendable, Encodable {
        public var at: Int64
        public var kind: String
        public var version: Int64?
        public var detail: String
    }
}
