import KeelCore
import KeelTracking

/// Body of `POST logged-models`.
struct CreateLoggedModelRequest: Decodable {
    let experimentID: Int64
    let name: String?
    let modelType: String?
    let sourceRunID: String?
    let params: [KeyValue]
    let tags: [KeyValue]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentID = try TrackingService.experimentID(try fields.requiredString(.init("experiment_id")))
        name = try fields.flexibleString(.init("name"))
        modelType = try fields.flexibleString(.init("model_type"))
        sourceRunID = try fields.flexibleString(.init("source_run_id")).flatMap { $0.isEmpty ? nil : $0 }
        params = try fields.keyValues(.init("params"))
        tags = try fields.keyValues(.init("tags"))
    }
}

/// Body of `PATCH logged-models/{id}` (finalize).
struct FinalizeLoggedModelRequest: Decodable {
    let status: LoggedModelStatus

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        let name = try fields.requiredString(.init("status"))
        guard let status = LoggedModelStatus(rawValue: name), status != .pending else {
            throw KeelError.invalidParameter("Invalid status '\(name)': expected LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.")
        }
        self.status = status
    }
}

/// Body of `PATCH logged-models/{id}/tags` and `POST logged-models/{id}/params`.
struct LoggedModelKeyValuesRequest: Decodable {
    let tags: [KeyValue]
    let params: [KeyValue]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        tags = try fields.keyValues(.init("tags"))
        params = try fields.keyValues(.init("params"))
    }
}

/// Body of `POST logged-models/search`.
struct SearchLoggedModelsRequest: Decodable {
    let experimentIDs: [Int64]
    let filter: String?
    let datasets: [LoggedModelDatasetFilter]
    let maxResults: Int?
    let orderBy: [LoggedModelOrder]
    let pageToken: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentIDs = try fields.experimentIDs(.init("experiment_ids"))
        filter = try fields.flexibleString(.init("filter"))
        datasets = try fields.objects(.init("datasets")) { dataset in
            LoggedModelDatasetFilter(
                name: try dataset.flexibleString(.init("dataset_name")) ?? "",
                digest: try dataset.flexibleString(.init("dataset_digest"))
            )
        }
        maxResults = try fields.flexibleInt(.init("max_results"))
        orderBy = try fields.objects(.init("order_by")) { order in
            LoggedModelOrder(
                fieldName: try order.requiredString(.init("field_name")),
                ascending: try order.flexibleBool(.init("ascending")) ?? true,
                datasetName: try order.flexibleString(.init("dataset_name")),
                datasetDigest: try order.flexibleString(.init("dataset_digest"))
            )
        }
        pageToken = try fields.flexibleString(.init("page_token"))
    }
}
