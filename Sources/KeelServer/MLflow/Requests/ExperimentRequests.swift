import KeelCore
import KeelTracking

/// Body of `experiments/create`.
struct CreateExperimentRequest: Decodable {
    let name: String
    let artifactLocation: String?
    let tags: [KeyValue]

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try fields.requiredString(.init("name"))
        artifactLocation = try fields.flexibleString(.init("artifact_location"))
        tags = try fields.keyValues(.init("tags"))
    }
}

/// A request naming one experiment by id (`get`, `delete`, `restore`).
struct ExperimentIDRequest: Decodable {
    let experimentID: Int64

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentID = try TrackingService.experimentID(try fields.requiredString(.init("experiment_id")))
    }
}

/// Query of `experiments/get-by-name`.
struct ExperimentByNameRequest: Decodable {
    let experimentName: String

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentName = try fields.requiredString(.init("experiment_name"))
    }
}

/// Body of `experiments/update`.
struct UpdateExperimentRequest: Decodable {
    let experimentID: Int64
    let newName: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentID = try TrackingService.experimentID(try fields.requiredString(.init("experiment_id")))
        newName = try fields.flexibleString(.init("new_name"))
    }
}

/// Body of `experiments/set-experiment-tag` and `delete-experiment-tag`.
struct ExperimentTagRequest: Decodable {
    let experimentID: Int64
    let key: String
    let value: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        experimentID = try TrackingService.experimentID(try fields.requiredString(.init("experiment_id")))
        key = try fields.requiredString(.init("key"))
        value = try fields.flexibleString(.init("value"))
    }
}

/// Body (or query) of `experiments/search`.
struct SearchExperimentsRequest: Decodable {
    let maxResults: Int?
    let pageToken: String?
    let filter: String?
    let orderBy: [String]
    let viewType: ViewType

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: AnyCodingKey.self)
        maxResults = try fields.flexibleInt(.init("max_results"))
        pageToken = try fields.flexibleString(.init("page_token"))
        filter = try fields.flexibleString(.init("filter"))
        orderBy = try fields.flexibleStrings(.init("order_by"))
        viewType = try fields.viewType(.init("view_type"))
    }
}

extension KeyedDecodingContainer where Key == AnyCodingKey {
    /// A list of `{key, value}` objects; a missing value reads as empty, as protobuf does.
    func keyValues(_ key: Key) throws -> [KeyValue] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        var list = try nestedUnkeyedContainer(forKey: key)
        var pairs: [KeyValue] = []
        while !list.isAtEnd {
            let pair = try list.nestedContainer(keyedBy: AnyCodingKey.self)
            pairs.append(KeyValue(
                key: try pair.requiredString(.init("key")),
                value: try pair.flexibleString(.init("value")) ?? ""
            ))
        }
        return pairs
    }

    /// A `ViewType` by name; absent means active only.
    func viewType(_ key: Key) throws -> ViewType {
        guard let name = try flexibleString(key) else { return .activeOnly }
        guard let view = ViewType(rawValue: name.uppercased()) else {
            throw KeelError.invalidParameter("Invalid view type '\(name)': expected ACTIVE_ONLY, DELETED_ONLY or ALL.")
        }
        return view
    }
}
