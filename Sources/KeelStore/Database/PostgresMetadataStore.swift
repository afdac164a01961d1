import Foundation
public import Logging
import PostgresKit
public import SQLKit

/// The metadata store for more than one machine: PostgreSQL through a pooled `PostgresClient`.
///
/// Every write is its own transaction on a pooled connection; PostgreSQL commits are durable
/// by default (`synchronous_commit=on`), so an acknowledged write survives a crash.
public final class PostgresMetadataStore: MetadataStore {
    public let dialect = StoreDialect.postgres
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects to the database named by a `postgres://user:pass@host:port/db` URL.
    ///
    /// `?sslmode=require` asks for TLS; `disable` (the default for loopback) turns it off.
    /// `?schema=name` keeps Keel's tables in that schema (it must exist), so one database
    /// can hold several Keel installations, or a test suite's throwaway copies.
    public init(url: String, maxConnections: Int = 20, logger: Logger) throws {
        var configuration = try Self.configuration(from: url)
        configuration.options.maximumConnections = maxConnections
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The client's pool lives as long as this task runs; the store owns it so callers
        // (server or CLI) need not join a service group to use the database.
        runner = Task { [client] in await client.run() }
        self.logger = logger
    }

    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme),
              let host = components.host, !host.isEmpty
        else {
            throw StoreError.invalidDatabaseURL(url)
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
        case "prefer": .prefer(.makeClientConfiguration())
        default: .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: tls
        )
        if let schema = components.queryItems?.first(where: { $0.name == "schema" })?.value, !schema.isEmpty {
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        return configuration
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await inTransaction(begin: "BEGIN TRANSACTION READ ONLY", body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await inTransaction(begin: "BEGIN", body)
    }

    private func inTransaction<T: Sendable>(
        begin: SQLQueryString, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        do {
            return try await transaction(begin: begin, body)
        } catch {
            throw DatabaseErrorTranslation.translate(error)
        }
    }

    private func transaction<T: Sendable>(
        begin: SQLQueryString, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await client.withConnection { connection in
            try await connection.sql().inTransaction(begin: begin, body)
        }
    }

    public func migrate() async throws {
        try await Migrator(store: self, logger: logger).run()
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }
}
