import Foundation
import KeelCore
@testable import KeelMonitoring
import KeelStore
import KeelTestSupport
import SQLKit
import Testing

/// Monitoring's tables (migration 5) on every backend: alert transitions are stored once,
/// feedback is write-once unless replaced, and the event feed pages in order.
@Suite("Monitoring store")
struct MonitoringStoreTests {
    @Test("a rule's transition is stored by exactly one of two racing evaluations", arguments: TestBackend.enabled)
    func transitionsAreConditional(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alerts = AlertStore(store: store)
            let rule = try await alerts.insert(
                deployment: "churn", condition: try AlertCondition(parsing: "drift_share > 0.3"), window: "1h",
                webhook: "http://127.0.0.1:9/hook", every: 1000
            )
            #expect(rule.state == .ok)
            let first = try await alerts.transition(rule, from: .ok, to: .firing, value: 0.5, at: 10)
            let second = try await alerts.transition(rule, from: .ok, to: .firing, value: 0.6, at: 11)
            #expect(first?.state == "firing" && first?.value == 0.5 && first?.delivery == "pending")
            #expect(second == nil)
            #expect(try await alerts.rule(rule.id).state == .firing)
            let resolved = try await alerts.transition(rule, from: .firing, to: .ok, value: 0.1, at: 12)
            #expect(resolved?.state == "resolved")
            try await alerts.noteDelivery(first!.id, status: "delivered", attempts: 2)

            let feed = AlertEventFeed(store: store)
            let all = try await feed.events(after: 0)
            #expect(all.map(\.state) == ["firing", "resolved"])
            #expect(all.first?.delivery == "delivered" && all.first?.attempts == 2)
            #expect(try await feed.events(after: all[0].id).map(\.id) == [all[1].id])
            #expect(try await alerts.recentEvents(deployment: "churn", limit: 1).map(\.id) == [all[1].id])

            try await alerts.delete(rule.id)
            await #expect(throws: KeelError.self) { try await alerts.delete(rule.id) }
            #expect(try await feed.events(after: 0).count == 2, "past alerts outlive their rule")
        }
    }

    @Test("feedback is write-once: same label is a no-op, a different one needs replace", arguments: TestBackend.enabled)
    func feedbackIsWriteOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let feedback = FeedbackStore(store: store)
            let label = StoredLabel(requestID: "r1", row: 0, deployment: "churn", label: "1")
            try await feedback.save([label, StoredLabel(requestID: "r1", row: 1, deployment: "churn", label: "0")], replacing: [])
            try await feedback.save([label], replacing: [])
            let changed = StoredLabel(requestID: "r1", row: 0, deployment: "churn", label: "0")
            await #expect(throws: KeelError.self) { try await feedback.save([changed], replacing: []) }
            #expect(try await feedback.labels(requestIDs: ["r1"])["r1"] == [0: "1", 1: "0"])
            try await feedback.save([changed], replacing: [changed])
            #expect(try await feedback.labels(requestIDs: ["r1", "r2"]) == ["r1": [0: "0", 1: "0"]])
        }
    }

    @Test("monitor settings and reference survive together", arguments: TestBackend.enabled)
    func monitorRows(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let monitors = MonitorStore(store: store)
            #expect(try await monitors.get("churn") == nil)
            var settings = MonitorSettings()
            settings.task = .regression
            settings.columnMethods = ["age": .psi]
            try await monitors.saveSettings(settings, deployment: "churn")
            let table = try DataTable.parse(Array("a,b\n1,x\n2,y\n".utf8), format: "csv", name: "t")
            let reference = StoredReference(path: "_keel/monitoring/churn/reference.csv", format: "csv", source: "upload", profile: ReferenceProfile(table))
            try await monitors.saveReference(reference, deployment: "churn")
            let stored = try #require(try await monitors.get("churn"))
            #expect(stored.settings == settings)
            #expect(stored.reference?.profile == reference.profile && stored.reference?.path == reference.path)
        }
    }
}
