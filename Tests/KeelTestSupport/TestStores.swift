import Foundation
public import KeelStore
import Logging
import SQLKit

/// The databases every store test runs against: SQLite always, PostgreSQL when
/// `KEEL_TEST_POSTGRES_URL` names a server (the test script always sets it; with
/// `KEEL_REQUIRE_POSTGRES=1` a missing URL fails instead of skipping).
public enum TestBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    public var description: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["KEEL_TEST_POSTGRES_URL"] }

    /// The backends to run: PostgreSQL only when configured, or demanded.
    public static var enabled: [TestBackend] {
        let required = ProcessInfo.processInfo.environment["KEEL_REQUIRE_POSTGRES"] == "1"
        return postgresURL != nil || required ? [.sqlite, .postgres] : [.sqlite]
    }

    /// Opens a fresh, migrated store of this kind, hands it to `body`, and removes it afterwards.
    public func withStore<T>(_ body: (any MetadataStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "keel-test")
        logger.logLevel = .warning
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try await SQLiteMetadataStore.open(path: directory.appendingPathComponent("keel.db").path, logger: logger)
            try await store.migrate()
            do {
                let result = try await body(store)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres:
            guard let base = Self.postgresURL else {
                throw TestSetupError("KEEL_REQUIRE_POSTGRES=1 but KEEL_TEST_POSTGRES_URL is not set.")
            }
            // A throwaway schema per test keeps tests independent on one database.
            let schema = "keel_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PostgresMetadataStore(url: base, maxConnections: 1, logger: logger)
            try await admin.write { try await $0.raw("CREATE SCHEMA \(ident: schema)").run() }
            let separator = base.contains("?") ? "&" : "?"
            let store = try PostgresMetadataStore(url: base + separator + "schema=" + schema, logger: logger)
            do {
                try await store.migrate()
                let result = try await body(store)
                try await store.close()
                try await admin.write { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                try await admin.close()
                return result
            } catch {
                try? await store.close()
                _ = try? await admin.write { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                try? await admin.close()
                throw error
            }
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
