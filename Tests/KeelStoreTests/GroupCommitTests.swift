import KeelTestSupport
import SQLKit
import Synchronization
import Testing
@testable import KeelStore

/// Concurrent writes share transactions (SQLite's group commit); each caller still gets its own
/// outcome, and a failing write leaves nothing behind while the others commit.
@Suite("Group commit")
struct GroupCommitTests {
    private struct Planned: Error {}

    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    @Test("in a batch, failing writes roll back alone and the rest commit", arguments: TestBackend.enabled)
    func failuresRollBackAlone(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.write { database in
                try await database.raw("CREATE TABLE group_commit_probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)").run()
            }
            let runs = Counter()
            // Many writes at once, so batches form; every fifth fails after inserting its row,
            // and every seventh breaks a constraint.
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for id in 0..<60 {
                    group.addTask {
                        do {
                            let echoed = try await store.write { database in
                                runs.value.withLock { $0 += 1 }
                                try await database.raw("INSERT INTO group_commit_probe (id, note) VALUES (\(bind: id), 'x')").run()
                                if id % 5 == 4 { throw Planned() }
                                if id % 7 == 6 { try await database.raw("INSERT INTO group_commit_probe (id, note) VALUES (\(bind: id), 'again')").run() }
                                return id
                            }
                            #expect(echoed == id)
                            return (id, true)
                        } catch {
                            return (id, false)
                        }
                    }
                }
                var outcomes: [Int: Bool] = [:]
                for await (id, succeeded) in group { outcomes[id] = succeeded }
                return outcomes
            }
            let expected = Set((0..<60).filter { $0 % 5 != 4 && $0 % 7 != 6 })
            #expect(Set(outcomes.filter(\.value).keys) == expected)
            let stored = try await store.read { database in
                try await database.raw("SELECT id FROM group_commit_probe ORDER BY id").all().map { try $0.decode(column: "id", as: Int.self) }
            }
            #expect(stored == expected.sorted())
            #expect(runs.value.withLock { $0 } >= 60)
        }
    }
}
