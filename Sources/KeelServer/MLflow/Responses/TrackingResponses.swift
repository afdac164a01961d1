import Hummingbird
import KeelTracking

/// `{}` — MLflow's answer to a write with nothing to report (most of ingest's answers: written
/// directly rather than through `JSONEncoder`).
struct EmptyResponse: JSONWritableResponse {
    var expectedSize: Int { 2 }

    func write(to json: inout JSONWriter) {
        json.object { _ in }
    }
}

/// Answer of `experiments/create`.
struct CreateExperimentResponse: ResponseEncodable {
    let experimentId: String
    enum CodingKeys: String, CodingKey { case experimentId = "experiment_id" }
}

/// Answer of `experiments/get` and `get-by-name`.
struct ExperimentResponse: ResponseEncodable {
    let experiment: ExperimentJSON
}

/// Answer of `experiments/search`.
struct SearchExperimentsResponse: ResponseEncodable {
    let experiments: [ExperimentJSON]
    let nextPageToken: String?
    enum CodingKeys: String, CodingKey { case experiments, nextPageToken = "next_page_token" }
}

/// Answer of `runs/create` and `runs/get`.
struct RunResponse: JSONWritableResponse {
    let run: RunJSON

    func write(to json: inout JSONWriter) {
        json.object { $0.member("run", run) }
    }
}

/// Answer of `runs/update`.
struct UpdateRunResponse: JSONWritableResponse {
    let runInfo: RunInfoJSON

    func write(to json: inout JSONWriter) {
        json.object { $0.member("run_info", runInfo) }
    }
}


