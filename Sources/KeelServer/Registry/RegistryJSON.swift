import Hummingbird
import KeelRegistry
import KeelTracking

/// MLflow's `ModelVersion`; versions travel as strings.
struct ModelVersionJSON: JSONWritable {
    let version: ModelVersion

    init(_ version: ModelVersion) { self.version = version }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("name", version.name)
            json.member("version", String(version.version))
            json.member("creation_timestamp", version.creationTimestamp)
            json.member("last_updated_timestamp", version.lastUpdatedTimestamp)
            json.member("user_id", ifPresent: version.userID)
            json.member("current_stage", version.currentStage.rawValue)
            json.member("description", ifPresent: version.description)
            json.member("source", version.source)
            json.member("run_id", ifPresent: version.runID)
            json.member("status", version.status)
            json.member("status_message", ifPresent: version.statusMessage)
            json.member("tags", version.tags)
            json.member("run_link", ifPresent: version.runLink)
            json.key("aliases")
            json.array(version.aliases) { json, alias in json.string(alias) }
            json.member("model_id", ifPresent: version.modelID)
        }
    }
}

/// MLflow's `RegisteredModel`.
struct RegisteredModelJSON: JSONWritable {
    let model: RegisteredModel

    init(_ model: RegisteredModel) { self.model = model }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("name", model.name)
            json.member("creation_timestamp", model.creationTimestamp)
            json.member("last_updated_timestamp", model.lastUpdatedTimestamp)
            json.member("user_id", ifPresent: model.userID)
            json.member("description", ifPresent: model.description)
            json.member("latest_versions", model.latestVersions.map(ModelVersionJSON.init))
            json.member("tags", model.tags)
            json.key("aliases")
            json.array(model.aliases) { json, alias in
                json.object { json in
                    json.member("alias", alias.alias)
                    json.member("version", String(alias.version))
                }
            }
        }
    }
}

/// Answer carrying one registered model.
struct RegisteredModelResponse: JSONWritableResponse {
    let registeredModel: RegisteredModelJSON

    func write(to json: inout JSONWriter) {
        json.object { $0.member("registered_model", registeredModel) }
    }
}

/// Answer carrying one model version.
struct ModelVersionResponse: JSONWritableResponse {
    let modelVersion: ModelVersionJSON

    func write(to json: inout JSONWriter) {
        json.object { $0.member("model_version", modelVersion) }
    }
}



/// Answer of `model-versions/get-download-uri`.
struct DownloadURIResponse: ResponseEncodable {
    let artifactUri: String
    enum CodingKeys: String, CodingKey { case artifactUri = "artifact_uri" }
}
