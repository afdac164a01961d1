import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeelGovernance
import Logging
import Testing
@testable import KeelServer

/// Every route the router serves, called as every role, against the access rule it declares:
/// anonymous callers are refused with 401, roles below the rule with 403, the others get past
/// the check. The route list comes from the router itself, so a new route without a rule fails
/// here before it ships.
@Suite("Access matrix", .serialized)
struct AccessMatrixTests {
    /// The roles, weakest first: each holds its level on every resource of a route's fixture.
    static let roles: [(name: String, level: Permission?)] = [
        ("stranger", nil), ("reader", .read), ("user", .use), ("editor", .edit), ("manager", .manage),
    ]

    @Test("every route the router serves has an access rule, and every rule a route")
    func everyRouteHasARule() async throws {
        try await AccessMatrixHarness.with { harness in
            let routes = Set(harness.routes.map { "\($0.method) \($0.path)" })
            let ruled = Set(AccessRules.byRoute.keys)
            #expect(routes.subtracting(ruled).sorted() == [], "routes without an access rule")
            #expect(ruled.subtracting(routes).sorted() == [], "access rules for routes that do not exist")
        }
    }

    @Test("the levels MLflow's auth asks for on its key routes")
    func keyLevels() {
        let expected: [String: Permission] = [
            "GET /api/2.0/mlflow/runs/get": .read,
            "POST /api/2.0/mlflow/runs/log-batch": .edit,
            "POST /api/2.0/mlflow/runs/delete": .manage,
            "POST /api/2.0/mlflow/experiments/delete": .manage,
            "DELETE /api/2.0/mlflow/registered-models/delete": .manage,
            "POST /api/2.0/mlflow/model-versions/create": .edit,
            "PUT /api/2.0/mlflow-artifacts/artifacts/**": .edit,
            "POST /api/3.0/mlflow/users/permissions/grant": .manage,
            "POST /deployments/{name}/invocations": .use,
            "POST /v2/models/{name}/infer": .use,
        ]
        for (route, level) in expected {
            #expect(AccessRules.byRoute[route]?.neededPermission == level, "\(route)")
        }
        for route in ["GET /api/2.0/keel/audit", "GET /api/2.0/mlflow/users/list", "POST /api/2.0/keel/users"] {
            guard case .admin? = AccessRules.byRoute[route] else { Issue.record("\(route) must be admin-only"); continue }
        }
    }

    @Test("every route allows and refuses each role as its rule says")
    func matrix() async throws {
        try await AccessMatrixHarness.with { harness in
            var checked = 0
            for route in harness.routes.sorted(by: { "\($0.path)\($0.method)" < "\($1.path)\($1.method)" }) {
                let key = "\(route.method) \(route.path)"
                guard let rule = AccessRules.byRoute[key] else { Issue.record("no rule for \(key)"); continue }
                let fixture = try await harness.makeFixture()
                let call = fixture.call(method: route.method, pattern: route.path)

                let anonymous = try await harness.status(call, token: nil)
                if case .open = rule { #expect(anonymous != 401 && anonymous != 403, "\(key) as anonymous: \(anonymous)") } else if WebSession.isPage(route.path) {
                    // A person who is not signed in is sent to the sign-in page.
                    #expect(anonymous == 303, "\(key) as anonymous: \(anonymous)")
                } else {
                    #expect(anonymous == 401, "\(key) as anonymous: \(anonymous)")
                }
                for role in Self.roles {
                    let status = try await harness.status(call, token: harness.tokens[role.name])
                    if Self.allows(rule, level: role.level) {
                        #expect(status != 401 && status != 403, "\(key) as \(role.name) should pass the check, got \(status)")
                    } else {
                        #expect(status == 403, "\(key) as \(role.name) should be refused, got \(status)")
                    }
                }
                let admin = try await harness.status(call, token: harness.tokens["admin"])
                #expect(admin != 401 && admin != 403, "\(key) as admin: \(admin)")
                checked += 1
            }
            #expect(checked == harness.routes.count)
            #expect(checked > 150)
        }
    }

    /// What the rule says of a role holding `level` on the fixture's resources (nil: nothing).
    static func allows(_ rule: AccessRule, level: Permission?) -> Bool {
        switch rule {
        case .open, .anyUser, .create, .listing: true
        case .admin, .selfOrAdmin: false
        case .selfOrManager: level == .manage
        case .resource(let needed, _): level.map { $0.allows(needed) } ?? false
        }
    }
}
