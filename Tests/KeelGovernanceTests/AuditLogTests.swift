import Foundation
import KeelCore
@testable import KeelGovernance
import KeelStore
import KeelTestSupport
import SQLKit
import Testing

/// The hash-chained audit log (migration 8) on every backend: appends chain, and editing,
/// removing or cutting off entries is found.
@Suite("Audit log")
struct AuditLogTests {
    static func record(_ resource: String, actor: String = "alice") -> AuditLog.Record {
        AuditLog.Record(
            actor: actor, authMethod: "password", remote: "127.0.0.1", action: "POST /api/2.0/mlflow/registered-models/create",
            resource: resource, status: 200, details: ["name": resource]
        )
    }

    static func fill(_ log: AuditLog) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for resource in ["models/churn", "models/churn/1", "models/churn2", "experiments/1", "models/churn/2"] {
            entries.append(try await log.append(record(resource)))
        }
        return entries
    }

    @Test("entries chain by hash and are found by resource and actor", arguments: TestBackend.enabled)
    func chain(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let log = AuditLog(store: store)
            #expect(try await log.verify() == AuditVerification(entries: 0, problem: nil, brokenAt: nil))
            let entries = try await Self.fill(log)
            #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(entries[0].previousHash == AuditEntry.genesis)
            #expect(entries[1].previousHash == entries[0].hash)
            #expect(entries.allSatisfy { $0.hash == $0.computedHash() })
            #expect(try await log.verify() == AuditVerification(entries: 5, problem: nil, brokenAt: nil))

            let churn = try await log.entries(resource: "models/churn", actor: nil, limit: 100)
            #expect(churn.map(\.resource) == ["models/churn/2", "models/churn/1", "models/churn"], "newest first; churn2 is another model")
            _ = try await log.append(Self.record("experiments/2", actor: "bob"))
            #expect(try await log.entries(resource: nil, actor: "bob", limit: 100).map(\.sequence) == [6])
            #expect(try await log.entries(resource: nil, actor: nil, limit: 2).map(\.sequence) == [6, 5])
        }
    }

    @Test("an edited entry is found", arguments: TestBackend.enabled)
    func edited(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let log = AuditLog(store: store)
            _ = try await Self.fill(log)
            try await store.write { try await $0.update("audit_log").set("actor", to: "mallory").where("seq", .equal, Int64(3)).run() }
            let result = try await log.verify()
            #expect(!result.isIntact && result.brokenAt == 3 && result.problem == "entry 3 was changed after it was written")
        }
    }

    @Test("an edit that also recomputes the entry's hash breaks the next link", arguments: [TestBackend.sqlite])
    func rehashed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let log = AuditLog(store: store)
            let entries = try await Self.fill(log)
            var forged = entries[1]
            forged.actor = "mallory"
            let forgedHash = forged.computedHash()
            try await store.write {
                try await $0.update("audit_log").set("actor", to: "mallory").set("hash", to: forgedHash).where("seq", .equal, Int64(2)).run()
            }
            let result = try await log.verify()
            #expect(result.brokenAt == 3 && result.problem == "entry 3 does not follow from the entry before it")
        }
    }

    @Test("a removed entry and entries cut off the end are found", arguments: TestBackend.enabled)
    func removed(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let log = AuditLog(store: store)
            _ = try await Self.fill(log)
            try await store.write { try await $0.delete(from: "audit_log").where("seq", .equal, Int64(5)).run() }
            let cut = try await log.verify()
            #expect(cut.brokenAt == 5 && cut.problem?.contains("entries were removed from its end") == true)
            try await store.write { try await $0.delete(from: "audit_log").where("seq", .equal, Int64(2)).run() }
            let gap = try await log.verify()
            #expect(gap.brokenAt == 2 && gap.problem == "entry 2 is missing (the next one is 3)")
        }
    }
}
