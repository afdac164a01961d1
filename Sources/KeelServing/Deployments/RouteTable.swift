import NIOConcurrencyHelpers

/// The routes the request path reads, swapped whole by the deployment service.
final class RouteTable: Sendable {
    private struct Snapshot {
        var routes: [String: DeploymentRoute] = [:]
        /// Deployments that exist but cannot run, with the reason (e.g. no Python).
        var unavailable: [String: String] = [:]
        /// False until the first reconciliation: unknown names may just not be loaded yet.
        var loaded = false
    }

    private let snapshot = NIOLockedValueBox(Snapshot())

    /// What a lookup found.
    enum Lookup {
        case route(DeploymentRoute)
        case unavailable(String)
        case unknown(loaded: Bool)
    }

    func lookup(_ name: String) -> Lookup {
        snapshot.withLockedValue { snapshot in
            if let route = snapshot.routes[name] { return .route(route) }
            if let message = snapshot.unavailable[name] { return .unavailable(message) }
            return .unknown(loaded: snapshot.loaded)
        }
    }

    var routes: [String: DeploymentRoute] {
        snapshot.withLockedValue { $0.routes }
    }

    func replace(routes: [String: DeploymentRoute], unavailable: [String: String]) {
        snapshot.withLockedValue { $0 = Snapshot(routes: routes, unavailable: unavailable, loaded: true) }
    }
}
