import Hummingbird
import KeelTracking

/// MLflow's `LoggedModel`: `{info, data}`.
struct LoggedModelJSON: JSONWritable {
    let model: LoggedModel

    init(_ model: LoggedModel) { self.model = model }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("info")
            json.object { json in
                json.member("model_id", model.modelID)
                json.member("experiment_id", String(model.experimentID))
                json.member("name", model.name)
                json.member("creation_timestamp_ms", model.creationTimestamp)
                json.member("last_updated_timestamp_ms", model.lastUpdatedTimestamp)
                json.member("artifact_uri", model.artifactLocation)
                json.member("status", model.status.rawValue)
                json.member("model_type", ifPresent: model.modelType)
                json.member("source_run_id", ifPresent: model.sourceRunID)
                json.member("status_message", ifPresent: model.statusMessage)
                json.member("tags", model.tags)
            }
            json.key("data")
            json.object { json in
                json.member("params", model.params)
                json.member("metrics", model.metrics.map { MetricJSON($0.metric, runID: $0.runID) })
            }
        }
    }
}

/// Answer carrying one logged model.
struct LoggedModelResponse: JSONWritableResponse {
    let model: LoggedModelJSON

    func write(to json: inout JSONWriter) {
        json.object { $0.member("model", model) }
    }
}

