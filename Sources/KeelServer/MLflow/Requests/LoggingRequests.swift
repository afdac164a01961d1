import KeelCore
import KeelTracking

extension KeyedDecodingContainer where Key == AnyCodingKey {
    /// One metric object; `key`, `value` and `timestamp` are required, `step` defaults to 0.
    func metric() throws -> Metric {
        guard let value = try flexibleDouble(.init("value")) else { throw Self.missing(.init("value")) }
        guard let timestamp = try flexibleInt64(.init("timestamp")) else { throw Self.missing(.init("timestamp")) }
        return Metric(
            key: try requiredString(.init("key")),
            value: value,
            timestamp: timestamp,
            step: try flexibleInt64(.init("step")) ?? 0,
            modelID: try flexibleString(.init("model_id")),
            datasetName: try flexibleString(.init("dataset_name")),
            datasetDigest: try flexibleString(.init("dataset_digest"))
        )
    }

    /// A list of objects decoded one by one with `element`.
    func objects<T>(_ key: Key, _ element: (KeyedDecodingContainer<AnyCodingKey>) throws -> T) throws -> [T] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        var list = try nestedUnkeyedContainer(forKey: key)
        var items: [T] = []
        while !list.isAtEnd {
            items.append(try element(try list.nestedContainer(keyedBy: AnyCodingKey.self)))
        }
        return items
    }
}

/// Body of `runs/log-metric`.
struct LogMetricRequest: Decodable {
    let runID: String
    let metric: Metric

    init(runID: String, metric: Metric) {
        self.runID = runID
        self.metric = metric
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        metric = try fields.metric()
    }
}

/// Body of `runs/log-parameter`, `runs/set-tag` and `runs/delete-tag`.
struct KeyValueRequest: Decodable {
    let runID: String
    let key: String
    let value: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        key = try fields.requiredString(.init("key"))
        value = try fields.flexibleString(.init("value"))
    }
}

/// Body of `runs/log-batch`.
struct LogBatchRequest: Decodable {
    let runID: String
    let metrics: [Metric]
    let params: [KeyValue]
    let tags: [KeyValue]

    init(runID: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) {
        self.runID = runID
        self.metrics = metrics
        self.params = params
        self.tags = tags
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        metrics = try fields.objects(.init("metrics")) { try $0.metric() }
        params = try fields.keyValues(.init("params"))
        tags = try fields.keyValues(.init("tags"))
    }
}

/// Body of `runs/log-inputs`.
struct LogInputsRequest: Decodable {
    let runID: String
    let datasets: [DatasetInput]
    let modelIDs: [String]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        datasets = try fields.objects(.init("datasets")) { input in
            let dataset = try input.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .init("dataset"))
            return DatasetInput(
                dataset: Dataset(
                    name: try dataset.requiredString(.init("name")),
                    digest: try dataset.requiredString(.init("digest")),
                    sourceType: try dataset.requiredString(.init("source_type")),
                    source: try dataset.requiredString(.init("source")),
                    schema: try dataset.flexibleString(.init("schema")),
                    profile: try dataset.flexibleString(.init("profile"))
                ),
                tags: try input.keyValues(.init("tags"))
            )
        }
        modelIDs = try fields.objects(.init("models")) { try $0.requiredString(.init("model_id")) }
    }
}

/// Body of `runs/outputs`.
struct LogOutputsRequest: Decodable {
    let runID: String
    let models: [ModelOutput]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        runID = try fields.runID()
        models = try fields.objects(.init("models")) { model in
            ModelOutput(modelID: try model.requiredString(.init("model_id")), step: try model.flexibleInt64(.init("step")) ?? 0)
        }
    }
}
