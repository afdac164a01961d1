import Foundation
import KeelTestSupport
import SQLKit
import Testing
@testable import KeelStore

/// Statements prepared ahead of their transaction store and read exactly what the same
/// statement written inline does, on every database.
@Suite("Prepared statements")
struct PreparedStatementTests {
    @Test("a prepared statement writes the same values as the inline one", arguments: TestBackend.enabled)
    func sameValues(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.write { database in
                try await database.raw("""
                    CREATE TABLE prepared_probe (id BIGINT PRIMARY KEY, t TEXT, n BIGINT, d DOUBLE PRECISION, flag BOOLEAN)
                    """).run()
            }
            @Sendable func insert(_ id: Int64) -> SQLQueryString {
                """
                INSERT INTO prepared_probe (id, t, n, d, flag)
                VALUES (\(bind: id), \(bind: "tëxt \(id)"), \(bind: Int64.max - id), \(bind: Double?.some(0.25 * Double(id))), \(bind: id % 2 == 0))
                """
            }
            let optional: Int64? = nil
            let prepared = try store.dialect.prepare(insert(1))
            let nulls = try store.dialect.prepare("INSERT INTO prepared_probe (id, t, n) VALUES (3, \(bind: String?.none), \(bind: optional))")
            try await store.write { database in
                try await database.run(prepared)
                try await database.raw(insert(2)).run()
                try await database.run(nulls)
            }
            let select = try store.dialect.prepare("SELECT t, n, d FROM prepared_probe WHERE id IN (1, 2, 3) ORDER BY id")
            let (viaPrepared, viaDeferred) = try await store.read { database in
                (
                    try await database.rows(select, [.text, .int64, .double]),
                    try await database.rows(PreparedStatement(deferred: "SELECT t, n, d FROM prepared_probe ORDER BY id"), [.text, .int64, .double])
                )
            }
            #expect(viaPrepared == viaDeferred)
            #expect(viaPrepared[0] == [.text("tëxt 1"), .int64(Int64.max - 1), .double(0.25)])
            #expect(viaPrepared[1] == [.text("tëxt 2"), .int64(Int64.max - 2), .double(0.5)])
            #expect(viaPrepared[2] == [.null, .null, .null])
            let flags = try await store.read { database in
                try await database.raw("SELECT flag FROM prepared_probe WHERE id IN (1, 2) ORDER BY id").all().map {
                    try $0.decode(column: "flag", as: Bool.self)
                }
            }
            #expect(flags == [false, true])
        }
    }

    @Test("a prepared statement that fails inside a write rolls the write back", arguments: TestBackend.enabled)
    func failureRollsBack(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.write { try await $0.raw("CREATE TABLE prepared_probe (id BIGINT PRIMARY KEY)").run() }
            let first = try store.dialect.prepare("INSERT INTO prepared_probe (id) VALUES (\(bind: 1))")
            let duplicate = try store.dialect.prepare("INSERT INTO prepared_probe (id) VALUES (\(bind: 1))")
            await #expect(throws: (any Error).self) {
                try await store.write { database in
                    try await database.run(first)
                    try await database.run(duplicate)
                }
            }
            let count = try await store.read { try await $0.rows("SELECT count(*) FROM prepared_probe", [.int64]) }
            #expect(count == [[.int64(0)]])
        }
    }

    @Test("a built statement binds text, numbers and typed NULLs, and reads rows back", arguments: TestBackend.enabled)
    func builtStatements(backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.write { database in
                try await database.raw("CREATE TABLE built_probe (id BIGINT PRIMARY KEY, t TEXT, n BIGINT, d DOUBLE PRECISION)").run()
            }
            var insert = StatementBuilder(store.dialect, "INSERT INTO built_probe (id, t, n, d) VALUES ")
            let rows: [(Int64, String?, Int64?, Double?)] = [(1, "it's \"quoted\" ?", -7, 1.5), (2, nil, nil, nil), (3, "", 0, -.infinity)]
            for (index, row) in rows.enumerated() {
                insert.append(index == 0 ? "(" : ", (")
                insert.bind(row.0)
                insert.append(", ")
                insert.bind(row.1)
                insert.append(", ")
                insert.bind(row.2)
                insert.append(", ")
                insert.bind(row.3)
                insert.append(")")
            }
            let statement = insert.build()
            try await store.write { try await $0.run(statement) }
            var select = StatementBuilder(store.dialect, "SELECT t, n, d FROM built_probe WHERE id IN (")
            select.bind(Int64(1))
            select.append(", ")
            select.bind(Int64(2))
            select.append(", ")
            select.bind(Int64(3))
            select.append(") AND (t IS NULL OR t <> ")
            select.bind("never")
            select.append(") ORDER BY id")
            let query = select.build()
            let read = try await store.read { try await $0.rows(query, [.text, .int64, .double]) }
            #expect(read == [
                [.text("it's \"quoted\" ?"), .int64(-7), .double(1.5)],
                [.null, .null, .null],
                [.text(""), .int64(0), .double(-.infinity)],
            ])
        }
    }
}
