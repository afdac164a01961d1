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
            let plan = try await store.sqliteQueryPlan(statement)
            #expect(plan.contains { $0.contains("runs_by_experiment_newest") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "the page is sorted: \(plan)")
        }
    }

    @Test("SQLite resumes a seek page from the indexes without sorting the result")
    func seekPagesUseTheIndexes() async throws {
        try await TestBackend.sqlite.withStore { store in
            let seek = RunSeek(metric: 0.5, startTime: 1_000, runID: "abc")
            let newest = RunSearchQuery(
                experimentIDs: [1], filter: try SearchFilter.parseRuns(nil), order: try SearchOrder.parseRuns([]), viewType: .activeOnly
            )
            let byMetric = RunSearchQuery(
                experimentIDs: [1], filter: try SearchFilter.parseRuns(nil),
                order: try SearchOrder.parseRuns(["metrics.accuracy DESC"]), viewType: .activeOnly
            )
            let page = try #require(try byMetric.metricOrderedPage())
            let statements = [
                // The index is entered at the seek's key, not scanned from the start and filtered.
                ("newest", try newest.statement(limit: 101, offset: 90_000, after: seek), "runs_by_experiment_newest (experiment_id=? AND lifecycle_stage=? AND start_time<?)"),
                ("by metric", try page.withMetric(101, 90_000, seek), "latest_metrics_by_value (key=? AND value>? AND value<?)"),
                ("without the metric", try page.withoutMetric(101, 0, RunSeek(metric: nil, startTime: 1_000, runID: "abc")), "runs_by_experiment_newest (experiment_id=? AND lifecycle_stage=? AND start_time<?)"),
            ]
            for (name, statement, index) in statements {
                let plan = try await store.sqliteQueryPlan(statement)
                #expect(plan.contains { $0.contains(index) }, "\(name): \(plan)")
                // Sorting the ties of one metric value by the tie-breakers ("FOR LAST 2 TERMS") is
                // fine; sorting the whole result is what a deep page must not do.
                #expect(!plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(name) is sorted: \(plan)")
            }
        }
    }
}
