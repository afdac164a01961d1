import Foundation

/// What the driver runs, read from the JSON file the benchmark writes.
///
/// The workload itself (which requests, which bodies) is defined by the Python harness, so
/// that both servers get exactly the bodies it builds; the driver only replays them. Each
/// connection runs *units* one after the other — connection `c`'s `k`-th unit is
/// `units[(c + k) % units.count]` — and sends each request of a unit only once the one
/// before it was answered: a closed loop, like a training job logging a run.
struct LoadPlan: Decodable {
    /// `http://host:port[/prefix]`; request paths are appended to the prefix.
    var url: String
    /// Concurrent keep-alive connections (the benchmark's writers).
    var connections: Int
    /// Delay between opening one connection and the next, so a multi-process server's
    /// accept loops see them one at a time, as with a thread per writer.
    var connectStaggerSeconds: Double
    /// Stop starting units after this long ...
    var seconds: Double?
    /// ... or after this many units per connection.
    var unitsPerConnection: Int?
    /// Stop starting units once this many requests failed: a server that rejects everything
    /// is reported, not hammered for the whole duration.
    var maxFailures: Int
    /// The units connections cycle through.
    var units: [UnitPlan]

    enum CodingKeys: String, CodingKey {
        case url, connections, seconds, units
        case connectStaggerSeconds = "connect_stagger_seconds"
        case unitsPerConnection = "units_per_connection"
        case maxFailures = "max_failures"
    }
}

/// A sequence of requests, sent in order on one connection; one unit of work (a run).
struct UnitPlan: Decodable {
    /// The requests, in order.
    var requests: [RequestPlan]
    /// Values taken from answers and used by later requests' bodies.
    var captures: [CapturePlan]?
}

/// One request of a unit.
struct RequestPlan: Decodable {
    /// `GET` or `POST`.
    var method: String
    /// Path below the URL's prefix, e.g. `/api/2.0/mlflow/runs/create`.
    var path: String
    /// Short name for failure reports, e.g. `runs/create`.
    var endpoint: String
    /// JSON body with `{{placeholders}}` (see ``Template``); none for a GET.
    var body: String?
}

/// A string field taken from the JSON answer of one request, e.g. the new run's `run_id`.
struct CapturePlan: Decodable {
    /// The placeholder name later bodies use: `{{name}}`.
    var name: String
    /// Index of the request whose answer holds the value.
    var request: Int
    /// The JSON key whose first string value is captured.
    var field: String
}

/// A plan the driver cannot run; the message says which part is wrong.
struct PlanError: Error, CustomStringConvertible {
    /// What is wrong.
    var description: String
}

extension LoadPlan {
    /// Reads and checks a plan file.
    static func load(path: String) throws -> LoadPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanError(description: "cannot read the plan file \(path)")
        }
        let plan = try JSONDecoder().decode(LoadPlan.self, from: data)
        try plan.validate()
        return plan
    }

    /// Rejects plans that would never finish or could not be rendered.
    func validate() throws {
        guard connections > 0 else { throw PlanError(description: "connections must be at least 1") }
        guard !units.isEmpty else { throw PlanError(description: "the plan has no units") }
        guard (seconds == nil) != (unitsPerConnection == nil) else {
            throw PlanError(description: "give exactly one of seconds and units_per_connection")
        }
        for (number, unit) in units.enumerated() {
            guard !unit.requests.isEmpty else { throw PlanError(description: "unit \(number) has no requests") }
            for request in unit.requests where !["GET", "POST"].contains(request.method) {
                throw PlanError(description: "unit \(number): method \(request.method) is not GET or POST")
            }
            for capture in unit.captures ?? [] where !unit.requests.indices.contains(capture.request) {
                throw PlanError(description: "unit \(number): capture \(capture.name) names request \(capture.request), which does not exist")
            }
        }
    }
}
