import SQLKit

extension SQLDatabase {
    /// Runs `body` between `begin` and `COMMIT` on this session; when `body` throws, rolls back
    /// and rethrows. The database must be one session (one connection) for the whole call.
    func inTransaction<T: Sendable>(
        begin: SQLQueryString, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await raw(begin).run()
        do {
            let value = try await body(self)
            try await raw("COMMIT").run()
            return value
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
