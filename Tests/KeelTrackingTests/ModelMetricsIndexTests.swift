import KeelTestSupport
import Testing
@testable import KeelTracking

/// Migration 17: `metrics_by_model` indexes only rows with a `model_id`, and the logged-model
/// queries, which compare `model_id` with `=` or `IN`, still read through it.
@Suite("Model metrics index")
struct ModelMetricsIndexTests {
    @Test("SQLite plans a logged-model search by metric and dataset through the partial index")
    func searchUsesTheIndex() async throws {
        try await TestBackend.sqlite.withStore { store in
            let query = LoggedModelSearchQuery(
                experimentIDs: [1],
                filter: try SearchFilter.parseLoggedModels("metrics.accuracy > 0.5"),
                datasets: [LoggedModelDatasetFilter(name: "eval", digest: nil)],
                order: [LoggedModelOrder(fieldName: "metrics.accuracy", ascending: false)]
            )
            let plan = try await store.sqliteQueryPlan(try query.statement(limit: 100, offset: 0))
            let modelMetricReads = plan.filter { $0.contains(" mm ") || $0.hasSuffix(" mm") }
            #expect(!modelMetricReads.isEmpty, "\(plan)")
            #expect(modelMetricReads.allSatisfy { $0.contains("metrics_by_model") }, "\(plan)")
        }
    }

    @Test("SQLite plans the loader's read of a page of models through the partial index")
    func loaderUsesTheIndex() async throws {
        try await TestBackend.sqlite.withStore { store in
            let plan = try await store.sqliteQueryPlan(LoggedModelLoader.metricsStatement(["m-1", "m-2"]))
            #expect(plan.contains { $0.contains("metrics_by_model (model_id=?)") }, "\(plan)")
        }
    }
}
