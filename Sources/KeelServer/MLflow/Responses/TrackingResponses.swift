import Hummingbird
import KeelTracking

/// `{}` — MLflow's answer to a write with nothing to report.
struct EmptyResponse: ResponseEncodable {}

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
struct RunResponse: ResponseEncodable {
    let run: RunJSON
}

/// Answer of `runs/update`.
struct UpdateRunResponse: ResponseEncodable {
    let runInfo: RunInfoJSON
    enum CodingKeys: String, CodingKey { case runInfo = "run_info" }
}

/// Answer of `runs/search`.
struct SearchRunsResponse: ResponseEncodable {
    let runs: [RunJSON]
    let nextPageToken: String?
    enum CodingKeys: String, CodingKey { case runs, nextPageToken = "next_page_token" }
}

/// Answer of `metrics/get-history`.
struct MetricHistoryResponse: ResponseEncodable {
    let metrics: [MetricJSON]
    let nextPageToken: String?
    enum CodingKeys: String, CodingKey { case metrics, nextPageToken = "next_page_token" }
}
