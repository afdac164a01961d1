import Foundation
import KeelClient

/// Everything `keel monitor report` shows, fetched from the server in one go.
struct MonitorReport {
    var deployment: String
    var window: [String: String]
    /// The drift answer with histograms, nil when drift cannot be computed (see ``driftProblem``).
    var drift: [String: Any]?
    var driftProblem: String?
    var performance: [String: Any]
    var alerts: [[String: Any]]
    var generatedAt: Date

    static func fetch(client: ServerClient, deployment: String, window: [String: String], bucket: String) async throws -> MonitorReport {
        var driftQuery = window
        driftQuery["histograms"] = "true"
        var drift: [String: Any]?
        var problem: String?
        do {
            drift = try await client.callKeel("GET", "deployments/\(deployment)/drift", query: driftQuery)
        } catch let failure as ServerClient.Failure {
            // No reference yet, or an empty window: the rest of the report still helps.
            guard failure.description.hasPrefix("RESOURCE_DOES_NOT_EXIST") || failure.description.hasPrefix("INVALID_PARAMETER_VALUE") else {
                throw failure
            }
            problem = failure.description
        }
        var performanceQuery = window
        performanceQuery["bucket"] = bucket
        let performance = try await client.callKeel("GET", "deployments/\(deployment)/performance", query: performanceQuery)
        let alerts = try await client.callKeel("GET", "alerts", query: ["deployment": deployment, "max_results": "50"])["alerts"]
            as? [[String: Any]] ?? []
        return MonitorReport(
            deployment: deployment, window: window, drift: drift, driftProblem: problem, performance: performance, alerts: alerts,
            generatedAt: Date()
        )
    }

    var json: [String: Any] {
        var object: [String: Any] = [
            "deployment": deployment, "window": window, "performance": performance, "alerts": alerts,
            "generated_at": Int64(generatedAt.timeIntervalSince1970 * 1000),
        ]
        if let drift { object["drift"] = drift }
        if let driftProblem { object["drift_error"] = driftProblem }
        return object
    }
}
