import KeelCore
import KeelTracking

// `runs/create` and `runs/update` open and close every run a training job logs: two of the
// eight requests of the ingest workload, read here without `JSONDecoder` when they are spelled
// plainly. Anything else (a number sent as a string, an unknown experiment id) is left to
// `init(from:)`, which also words the errors.

extension CreateRunRequest: ScannableRequest {
    init(scanning scanner: inout JSONScanner) throws(JSONScanner.Unsupported) {
        var experimentID: String?
        var userID: String?
        var runName: String?
        var startTime: Int64?
        var tags: [KeyValue] = []
        var fields = ScannedFields()
        if try scanner.openObject() {
            repeat {
                switch try scanner.memberName() {
                case "experiment_id":
                    try fields.first(0)
                    experimentID = try scanner.optionalString()
                case "user_id":
                    try fields.first(1)
                    userID = try scanner.optionalString()
                case "run_name":
                    try fields.first(2)
                    runName = try scanner.optionalString()
                case "start_time":
                    try fields.first(3)
                    startTime = try scanner.null() ? nil : scanner.int64()
                case "tags":
                    try fields.first(4)
                    tags = try scanner.keyValues()
                default:
                    try scanner.skipValue()
                }
            } while try scanner.nextMember()
        }
        guard let id = try? TrackingService.experimentID(experimentID ?? "0") else { throw JSONScanner.Unsupported() }
        self.init(experimentID: id, userID: userID, runName: runName, startTime: startTime, tags: tags)
    }
}

extension UpdateRunRequest: ScannableRequest {
    init(scanning scanner: inout JSONScanner) throws(JSONScanner.Unsupported) {
        var runID = ScannedRunID()
        var status: String?
        var endTime: Int64?
        var runName: String?
        var fields = ScannedFields()
        guard try scanner.openObject() else { throw JSONScanner.Unsupported() }
        repeat {
            let name = try scanner.memberName()
            switch name {
            case "status":
                try fields.first(0)
                status = try scanner.optionalString()
            case "end_time":
                try fields.first(1)
                endTime = try scanner.null() ? nil : scanner.int64()
            case "run_name":
                try fields.first(2)
                runName = try scanner.optionalString()
            default:
                if try !runID.read(name, from: &scanner) { try scanner.skipValue() }
            }
        } while try scanner.nextMember()
        // As `init(from:)`: MLflow ignores a status it does not know rather than failing the update.
        self.init(runID: try runID.resolved(), status: status.flatMap(RunStatus.init(rawValue:)), endTime: endTime, runName: runName)
    }
}
