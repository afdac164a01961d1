public import SQLKit

/// One forward-only schema change. Each runs once, in its own transaction, in version order.
///
/// Never edit a migration that has shipped: add a new one.
public struct Migration: Sendable {
    /// Position in the sequence, starting at 1, without gaps.
    public let version: Int
    /// A short name for logs and the `keel_migrations` table.
    public let name: String
    /// The statements to run, which may differ by dialect (kept as data, not as branches elsewhere).
    public let statements: @Sendable (StoreDialect) -> [SQLQueryString]

    /// Creates a migration.
    public init(version: Int, name: String, statements: @escaping @Sendable (StoreDialect) -> [SQLQueryString]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension Migration {
    /// Every migration Keel knows, in order.
    public static let all: [Migration] = [
        .trackingSchema,
        .loggedModels,
        .registry,
        .serving,
        .monitoring,
        .pipelines,
        .identities,
        .audit,
        .permissions,
        .sensitiveColumns,
        .inferenceCallers,
        .traces,
        .traceFeedback,
        .traceInfoCache,
        .runPaging,
        .versionsByRun,
        .modelMetricsIndex,
        .metricBlocks,
    ]
}
