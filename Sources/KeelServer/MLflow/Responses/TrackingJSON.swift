import Hummingbird
import KeelTracking

// Wire shapes of MLflow's tracking entities. Property names are camelCase and the encoder is
// not asked to convert them; explicit CodingKeys spell the snake_case wire names.

/// MLflow's `Experiment`.
struct ExperimentJSON: Encodable {
    let experimentId: String
    let name: String
    let artifactLocation: String
    let lifecycleStage: String
    let creationTime: Int64
    let lastUpdateTime: Int64
    let tags: [KeyValue]

    init(_ experiment: Experiment) {
        experimentId = String(experiment.id)
        name = experiment.name
        artifactLocation = experiment.artifactLocation
        lifecycleStage = experiment.lifecycleStage.rawValue
        creationTime = experiment.creationTime
        lastUpdateTime = experiment.lastUpdateTime
        tags = experiment.tags
    }

    enum CodingKeys: String, CodingKey {
        case experimentId = "experiment_id", name, artifactLocation = "artifact_location"
        case lifecycleStage = "lifecycle_stage", creationTime = "creation_time", lastUpdateTime = "last_update_time", tags
    }
}

/// MLflow's `RunInfo`; the id goes out twice, as `run_id` and the legacy `run_uuid`.
struct RunInfoJSON: JSONWritable {
    let info: RunInfo

    init(_ info: RunInfo) { self.info = info }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("run_id", info.runID)
            json.member("run_uuid", info.runID)
            json.member("experiment_id", String(info.experimentID))
            json.member("run_name", info.runName)
            json.member("user_id", info.userID)
            json.member("status", info.status.rawValue)
            json.member("start_time", ifPresent: info.startTime)
            json.member("end_time", ifPresent: info.endTime)
            json.member("artifact_uri", info.artifactURI)
            json.member("lifecycle_stage", info.lifecycleStage.rawValue)
        }
    }
}

/// MLflow's `Metric`.
struct MetricJSON: JSONWritable {
    let metric: Metric
    var runID: String?

    init(_ metric: Metric, runID: String? = nil) {
        self.metric = metric
        self.runID = runID
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("key", metric.key)
            json.member("value", metric.value)
            json.member("timestamp", metric.timestamp)
            json.member("step", metric.step)
            json.member("model_id", ifPresent: metric.modelID)
            json.member("dataset_name", ifPresent: metric.datasetName)
            json.member("dataset_digest", ifPresent: metric.datasetDigest)
            json.member("run_id", ifPresent: runID)
        }
    }
}

extension KeyValue: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("key", key)
            json.member("value", value)
        }
    }
}

/// MLflow's `Run`: info, data, inputs and outputs.
struct RunJSON: JSONWritable {
    let run: Run

    init(_ run: Run) { self.run = run }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("info", RunInfoJSON(run.info))
            json.key("data")
            json.object { json in
                json.member("metrics", run.metrics.map { MetricJSON($0) })
                json.member("params", run.params)
                json.member("tags", run.tags)
            }
            json.key("inputs")
            json.object { json in
                json.key("dataset_inputs")
                json.array(run.inputs.datasetInputs) { json, input in
                    json.object { json in
                        json.member("tags", input.tags)
                        json.key("dataset")
                        json.object { json in
                            let dataset = input.dataset
                            json.member("name", dataset.name)
                            json.member("digest", dataset.digest)
                            json.member("source_type", dataset.sourceType)
                            json.member("source", dataset.source)
                            json.member("schema", ifPresent: dataset.schema)
                            json.member("profile", ifPresent: dataset.profile)
                        }
                    }
                }
                json.key("model_inputs")
                json.array(run.inputs.modelInputs) { json, modelID in
                    json.object { $0.member("model_id", modelID) }
                }
            }
            json.key("outputs")
            json.object { json in
                json.key("model_outputs")
                json.array(run.outputs.modelOutputs) { json, output in
                    json.object { json in
                        json.member("model_id", output.modelID)
                        json.member("step", output.step)
                    }
                }
            }
        }
    }
}
