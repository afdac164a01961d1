import KeelStore
import KeelTestSupport
import SQLKit
import Testing
@testable import KeelTracking

/// Migration 15: a run search's default page (newest first, ties by run id) is read in index
/// order, so a deep page skips entries instead of sorting the whole experiment first.
@Suite("Run paging index")
struct RunPagingIndexTests {
    @Test("SQLite plans the default order without a sort")
    func defaultOrderUsesTheIndex() async throws {
        try await TestBackend.sqlite.withStore { store in
            let query = RunSearchQuery(
                experimentIDs: [1], filter: try SearchFilter.parseRuns(nil), order: try SearchOrder.parseRuns([]), viewType: .activeOnly
            )
            let statement = try query.statement(limit: 100, offset: 90_000)
            let plan = try await store.read { database in
                try await database.raw("EXPLAIN QUERY PLAN " + statement).all().map { try $0.decode(column: "detail", as: String.self) }
            }
            #expect(plan.contains { $0.contains("runs_by_experiment_newest") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "the page is sorted: \(plan)")
        }
    }
}
