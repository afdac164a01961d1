public import KeelStore
public import SQLKit

extension MetadataStore {
    /// SQLite's `EXPLAIN QUERY PLAN` for `statement`: one line per step, as SQLite words it
    /// (`SEARCH metrics USING INDEX metrics_by_model (model_id=?)`). For tests that check a
    /// query reads through the index meant for it.
    public func sqliteQueryPlan(_ statement: SQLQueryString) async throws -> [String] {
        try await read { database in
            try await database.raw("EXPLAIN QUERY PLAN " + statement).all().map { try $0.decode(column: "detail", as: String.self) }
        }
    }
}
