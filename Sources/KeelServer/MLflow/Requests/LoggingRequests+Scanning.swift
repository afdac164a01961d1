import KeelCore
import KeelTracking

/// A request body with a fast reader for its usual spelling, tried before `JSONDecoder`.
///
/// The reader must build exactly the value `init(from:)` builds from the same body, and throw
/// ``JSONScanner/Unsupported`` for every body it is not sure of: that body is then decoded the
/// general way, errors and unusual spellings included.
protocol ScannableRequest: Decodable {
    init(scanning scanner: inout JSONScanner) throws(JSONScanner.Unsupported)
}

extension ScannableRequest {
    /// The request read from `bytes`, or nil when the general decoder has to read it.
    static func scanned(_ bytes: UnsafeRawBufferPointer) -> Self? {
        var scanner = JSONScanner(bytes)
        do {
            let value = try Self(scanning: &scanner)
            try scanner.end()
            return value
        } catch {
            return nil
        }
    }
}

/// Which fields of one object have been read: a field given twice goes to the general decoder.
struct ScannedFields {
    private var seen: UInt16 = 0

    mutating func first(_ field: Int) throws(JSONScanner.Unsupported) {
        let bit: UInt16 = 1 << field
        guard seen & bit == 0 else { throw JSONScanner.Unsupported() }
        seen |= bit
    }
}

/// `run_id`, or MLflow 1's `run_uuid`, the way ``KeyedDecodingContainer/runID()`` picks between them.
struct ScannedRunID {
    private var runID: String?
    private var runUUID: String?
    private var fields = ScannedFields()

    /// Reads the member `name` if it is one of the two; false if it is neither.
    mutating func read(_ name: String, from scanner: inout JSONScanner) throws(JSONScanner.Unsupported) -> Bool {
        switch name {
        case "run_id":
            try fields.first(0)
            runID = try scanner.optionalString()
        case "run_uuid":
            try fields.first(1)
            runUUID = try scanner.optionalString()
        default:
            return false
        }
        return true
    }

    func resolved() throws(JSONScanner.Unsupported) -> String {
        if let runID, !runID.isEmpty { return runID }
        if let runUUID, !runUUID.isEmpty { return runUUID }
        throw JSONScanner.Unsupported()
    }
}

/// The fields of one metric, as ``KeyedDecodingContainer/metric()`` reads them.
struct ScannedMetric {
    private var key: String?
    private var value: Double?
    private var timestamp: Int64?
    private var step: Int64?
    private var modelID: String?
    private var datasetName: String?
    private var datasetDigest: String?
    private var fields = ScannedFields()

    /// Reads a whole metric object.
    static func object(from scanner: inout JSONScanner) throws(JSONScanner.Unsupported) -> Metric {
        var metric = ScannedMetric()
        guard try scanner.openObject() else { throw JSONScanner.Unsupported() }
        repeat {
            let name = try scanner.memberName()
            if try !metric.read(name, from: &scanner) { try scanner.skipValue() }
        } while try scanner.nextMember()
        return try metric.metric()
    }

    /// Reads the member `name` if it is a metric field; false if it is not one.
    mutating func read(_ name: String, from scanner: inout JSONScanner) throws(JSONScanner.Unsupported) -> Bool {
        switch name {
        case "key":
            try fields.first(0)
            key = try scanner.string()
        case "value":
            try fields.first(1)
            value = try scanner.double()
        case "timestamp":
            try fields.first(2)
            timestamp = try scanner.int64()
        case "step":
            try fields.first(3)
            step = try scanner.null() ? nil : scanner.int64()
        case "model_id":
            try fields.first(4)
            modelID = try scanner.optionalString()
        case "dataset_name":
            try fields.first(5)
            datasetName = try scanner.optionalString()
        case "dataset_digest":
            try fields.first(6)
            datasetDigest = try scanner.optionalString()
        default:
            return false
        }
        return true
    }

    func metric() throws(JSONScanner.Unsupported) -> Metric {
        guard let key, let value, let timestamp else { throw JSONScanner.Unsupported() }
        return Metric(
            key: key, value: value, timestamp: timestamp, step: step ?? 0,
            modelID: modelID, datasetName: datasetName, datasetDigest: datasetDigest
        )
    }
}

extension JSONScanner {
    /// A list of objects, absent or `null` meaning none, the way `objects(_:_:)` reads it.
    mutating func objects<T>(_ element: (inout JSONScanner) throws(Unsupported) -> T) throws(Unsupported) -> [T] {
        if null() { return [] }
        var items: [T] = []
        guard try openArray() else { return items }
        repeat {
            items.append(try element(&self))
        } while try nextElement()
        return items
    }

    /// `[{"key": ..., "value": ...}]`, a missing or null value being empty, as `keyValues(_:)` reads it.
    mutating func keyValues() throws(Unsupported) -> [KeyValue] {
        try objects { scanner throws(Unsupported) in
            var key: String?
            var value: String?
            var fields = ScannedFields()
            guard try scanner.openObject() else { throw Unsupported() }
            repeat {
                switch try scanner.memberName() {
                case "key":
                    try fields.first(0)
                    key = try scanner.string()
                case "value":
                    try fields.first(1)
                    value = try scanner.optionalString()
                default:
                    try scanner.skipValue()
                }
            } while try scanner.nextMember()
            guard let key else { throw Unsupported() }
            return KeyValue(key: key, value: value ?? "")
        }
    }
}

extension LogBatchRequest: ScannableRequest {
    init(scanning scanner: inout JSONScanner) throws(JSONScanner.Unsupported) {
        var runID = ScannedRunID()
        var metrics: [Metric] = []
        var params: [KeyValue] = []
        var tags: [KeyValue] = []
        var fields = ScannedFields()
        if try scanner.openObject() {
            repeat {
                let name = try scanner.memberName()
                switch name {
                case "metrics":
                    try fields.first(0)
                    metrics = try scanner.objects { scanner throws(JSONScanner.Unsupported) in try ScannedMetric.object(from: &scanner) }
                case "params":
                    try fields.first(1)
                    params = try scanner.keyValues()
                case "tags":
                    try fields.first(2)
                    tags = try scanner.keyValues()
                default:
                    if try !runID.read(name, from: &scanner) { try scanner.skipValue() }
                }
            } while try scanner.nextMember()
        }
        self.init(runID: try runID.resolved(), metrics: metrics, params: params, tags: tags)
    }
}

extension LogMetricRequest: ScannableRequest {
    init(scanning scanner: inout JSONScanner) throws(JSONScanner.Unsupported) {
        var runID = ScannedRunID()
        var metric = ScannedMetric()
        guard try scanner.openObject() else { throw JSONScanner.Unsupported() }
        repeat {
            let name = try scanner.memberName()
            if try !runID.read(name, from: &scanner), try !metric.read(name, from: &scanner) {
                try scanner.skipValue()
            }
        } while try scanner.nextMember()
        self.init(runID: try runID.resolved(), metric: try metric.metric())
    }
}
