import Foundation
import KeelCore
@testable import KeelServing
import Testing

@Suite("Traffic policies")
struct TrafficPolicyTests {
    @Test("JSON round trip; versions as strings or numbers")
    func json() throws {
        let decoder = JSONDecoder()
        let canary = try decoder.decode(TrafficPolicy.self, from: Data(#"{"kind":"canary","candidate":4,"percent":12.5}"#.utf8))
        #expect(canary == .canary(candidate: 4, percent: 12.5))
        let ab = try decoder.decode(
            TrafficPolicy.self,
            from: Data(#"{"kind":"ab","variants":[{"version":"3","weight":70},{"version":"4","weight":30}],"sticky_header":"X-User"}"#.utf8)
        )
        #expect(ab == .abTest(variants: [WeightedVersion(version: 3, weight: 70), WeightedVersion(version: 4, weight: 30)], stickyHeader: "X-User"))
        for policy in [TrafficPolicy.single, canary, ab, .shadow(candidate: 9)] {
            #expect(try TrafficPolicy.fromJSONText(policy.jsonText()) == policy)
        }
    }

    @Test("bad policies are refused with INVALID_PARAMETER_VALUE")
    func validation() throws {
        let bad: [TrafficPolicy] = [
            .canary(candidate: 2, percent: 120),
            .canary(candidate: 1, percent: 10),
            .abTest(variants: [WeightedVersion(version: 2, weight: 1)], stickyHeader: nil),
            .abTest(variants: [WeightedVersion(version: 2, weight: 0), WeightedVersion(version: 3, weight: 0)], stickyHeader: nil),
            .abTest(variants: [WeightedVersion(version: 2, weight: 1), WeightedVersion(version: 2, weight: 1)], stickyHeader: nil),
            .abTest(variants: [WeightedVersion(version: 2, weight: 1), WeightedVersion(version: 3, weight: 1)], stickyHeader: "bad header"),
            .shadow(candidate: 1),
        ]
        for policy in bad {
            #expect(throws: KeelError.self) { try policy.validate(primary: 1) }
        }
        #expect(throws: KeelError.self) { try JSONDecoder().decode(TrafficPolicy.self, from: Data(#"{"kind":"teleport"}"#.utf8)) }
        #expect(throws: KeelError.self) { try JSONDecoder().decode(TrafficPolicy.self, from: Data(#"{"kind":"shadow"}"#.utf8)) }
        #expect(throws: KeelError.self) { try JSONDecoder().decode(TrafficPolicy.self, from: Data(#"{"kind":"shadow","candidate":"-1"}"#.utf8)) }
    }

    @Test("model references: name@alias and name/version")
    func references() throws {
        let alias = try ModelReference(parsing: "churn@champion")
        #expect(alias.name == "churn" && alias.alias == "champion" && alias.version == nil)
        let version = try ModelReference(parsing: "models:/team/churn/3")
        #expect(version.name == "team/churn" && version.version == 3)
        for text in ["churn", "churn@", "@x", "churn/0", "churn/x", "/3"] {
            #expect(throws: KeelError.self, "\(text)") { try ModelReference(parsing: text) }
        }
    }

    @Test("deployment names are plain path segments")
    func names() throws {
        try Deployment.validate(name: "churn-v2.eu_west")
        for name in ["", "-x", ".x", "a/b", "a b", String(repeating: "x", count: 65), "é"] {
            #expect(throws: KeelError.self, "\(name)") { try Deployment.validate(name: name) }
        }
    }

    @Test("sticky hashing is stable and spreads keys")
    func stickyHash() {
        #expect(DeploymentRoute.stableHash("user-42") == DeploymentRoute.stableHash("user-42"))
        let buckets = (0..<1000).map { DeploymentRoute.stableHash("user-\($0)") % 2 }
        let ones = buckets.filter { $0 == 1 }.count
        #expect((400...600).contains(ones))
    }

    @Test("traffic shares for lineage")
    func shares() {
        var deployment = Deployment(
            name: "d", modelName: "m", alias: nil, primaryVersion: 1, followAlias: false,
            traffic: .canary(candidate: 2, percent: 25), runtime: RuntimeConfiguration(), createdAt: 0, updatedAt: 0
        )
        #expect(deployment.trafficShare(of: 1) == 0.75)
        #expect(deployment.trafficShare(of: 2) == 0.25)
        deployment.traffic = .shadow(candidate: 2)
        #expect(deployment.trafficShare(of: 2) == 0)
        #expect(deployment.role(of: 2) == "shadow")
    }
}
