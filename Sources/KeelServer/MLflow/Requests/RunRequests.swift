import KeelCore
import KeelTracking

extension KeyedDecodingContainer where Key == AnyCodingKey {
    /// The run id, sent as `run_id` and (for old clients) `run_uuid`.
    func runID() throws -> String {
        if let id = try flexibleString(.init("run_id")), !id.isEmpty { return id }
        if let id = try flexibleString(.init("run_uuid")), !id.isEmpty { return id }
        throw Self.missing(.init("run_id"))
    }

    /// A list of experiment ids, each a decimal string on the wire.
    func experimentIDs(_ key: Key) throws -> [Int64] {
        try flexibleStrings(key).map { text throws(KeelError) in try TrackingService.experimentID(text) }
    }
}

/// Body of `runs/create`.
struct CreateRunRequest: Decodable {
    let experimentID: Int64
    let userID: String?
    let runName: String?
    let startTime: Int64?
    let tags: [KeyValue]

    init(experimentID: Int64, userID: String?, runName: String?, startTime: Int64?, tags: [KeyValue]) {
        self.experimentID = experimentID
        self.userID = userID
        self.runName = runName
        self.startTime = startTime
        self.tags = tags
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentID = try TrackingService.experimentID(try fields.flexibleString(.init("experiment_id")) ?? "0")
        userID = try fields.flexibleString(.init("user_id"))
        runName = try fields.flexibleString(.init("run_name"))
        startTime = try fields.flexibleInt64(.init("start_time"))
        tags = try fields.keyValues(.init("tags"))
    }
}

/// A request naming one run (`get`, `delete`, `restore`).
struct RunIDRequest: Decodable {
    let runID: String

    init(from decoder: any Decoder) throws {
        runID = try decoder.container(keyedBy: AnyCodingKey.self).runID()
    }
}

/// Body of `runs/update`.
struct UpdateRunRequest: Decodable {
    let runID: String
    let status: RunStatus?
    let endTime: Int64?
    let runName: String?

    init(runID: String, status: RunStatus?, endTime: Int64?, runName: String?) {
        self.runID = runID
        self.status = status
        self.endTime = endTime
        self.runName = runName
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        // MLflow ignores unknown status names rather than failing the update.
        status = try fields.flexibleString(.init("status")).flatMap(RunStatus.init(rawValue:))
        endTime = try fields.flexibleInt64(.init("end_time"))
        runName = try fields.flexibleString(.init("run_name"))
    }
}

/// Body of `runs/search`.
struct SearchRunsRequest: Decodable {
    let experimentIDs: [Int64]
    let filter: String?
    let viewType: ViewType
    let maxResults: Int?
    let orderBy: [String]
    let pageToken: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentIDs = try fields.experimentIDs(.init("experiment_ids"))
        filter = try fields.flexibleString(.init("filter"))
        viewType = try fields.viewType(.init("run_view_type"))
        maxResults = try fields.flexibleInt(.init("max_results"))
        orderBy = try fields.flexibleStrings(.init("order_by"))
        pageToken = try fields.flexibleString(.init("page_token"))
    }
}

/// Query of `metrics/get-history`.
struct MetricHistoryRequest: Decodable {
    let runID: String
    let metricKey: String
    let maxResults: Int?
    let pageToken: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        metricKey = try fields.requiredString(.init("metric_key"))
        maxResults = try fields.flexibleInt(.init("max_results"))
        pageToken = try fields.flexibleString(.init("page_token"))
    }
}
