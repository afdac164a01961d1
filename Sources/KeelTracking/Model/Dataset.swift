/// A dataset as MLflow describes it: identified by name and content digest.
public struct Dataset: Sendable, Hashable {
    /// A human-readable name.
    public var name: String
    /// A digest of the content; the same data gives the same digest.
    public var digest: String
    /// What kind of source (`local`, `s3`, `http`, `code`, …).
    public var sourceType: String
    /// The source, JSON-encoded by the client.
    public var source: String
    /// The schema, JSON-encoded by the client.
    public var schema: String?
    /// Summary statistics, JSON-encoded by the client.
    public var profile: String?

    /// Creates a dataset description.
    public init(name: String, digest: String, sourceType: String, source: String, schema: String?, profile: String?) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A dataset as one run used it, with that use's tags.
public struct DatasetInput: Sendable, Hashable {
    /// The dataset.
    public var dataset: Dataset
    /// Input tags, e.g. `mlflow.data.context = training`.
    public var tags: [KeyValue]

    /// Creates an input.
    public init(dataset: Dataset, tags: [KeyValue]) {
        self.dataset = dataset
        self.tags = tags
    }
}
