import Foundation
import KeelTestSupport
import KeelCore
import Logging
import NIOCore
import SQLKit
import Synchronization
import Testing
@testable import KeelStore

/// The SQLite store's own driver: direct C calls on a thread per connection, statements cached.
/// What sqlite-nio did for Keel before must still hold: values round-trip exactly, errors keep
/// their meaning, and a transaction runs where its connection lives.
@Suite("SQLite driver")
struct SQLiteThreadDatabaseTests {
    /// A fresh, migrated SQLite store, closed after `body`.
    private func withSQLiteStore<T>(_ body: (any MetadataStore) async throws -> T) async throws -> T {
        try await TestBackend.sqlite.withStore(body)
    }

    private struct Probe: Codable, Equatable {
        let name: String
        let count: Int
    }

    @Test("text, numbers, NULL and blobs come back exactly as they were written")
    func valuesRoundTrip() async throws {
        try await withSQLiteStore { store in
            try await store.write { database in
                try await database.raw("CREATE TABLE probe (id INTEGER PRIMARY KEY, t TEXT, i INTEGER, d REAL, b BLOB)").run()
            }
            let texts = ["", "plain", "ünïcödé ✓ 🚀", "nul\u{0}inside", String(repeating: "x", count: 100_000)]
            let integers: [Int64] = [0, -1, .max, .min]
            let doubles: [Double] = [0, -0.5, 1e300, .infinity, -.infinity]
            let blobs: [[UInt8]] = [[], [0, 1, 2, 255]]
            try await store.write { database in
                for (index, text) in texts.enumerated() {
                    try await database.raw("INSERT INTO probe (id, t) VALUES (\(bind: index), \(bind: text))").run()
                }
                for (index, integer) in integers.enumerated() {
                    try await database.raw("INSERT INTO probe (id, i) VALUES (\(bind: 100 + index), \(bind: integer))").run()
                }
                for (index, double) in doubles.enumerated() {
                    try await database.raw("INSERT INTO probe (id, d) VALUES (\(bind: 200 + index), \(bind: double))").run()
                }
                for (index, blob) in blobs.enumerated() {
                    try await database.raw("INSERT INTO probe (id, b) VALUES (\(bind: 300 + index), \(bind: Data(blob)))").run()
                }
                try await database.raw("INSERT INTO probe (id) VALUES (400)").run()
            }
            try await store.read { database in
                for (index, text) in texts.enumerated() {
                    let row = try #require(try await database.raw("SELECT t FROM probe WHERE id = \(bind: index)").first())
                    #expect(try row.decode(column: "t", as: String.self) == text)
                    #expect(try row.decodeNil(column: "t") == false)
                }
                for (index, integer) in integers.enumerated() {
                    let row = try #require(try await database.raw("SELECT i FROM probe WHERE id = \(bind: 100 + index)").first())
                    #expect(try row.decode(column: "i", as: Int64.self) == integer)
                }
                for (index, double) in doubles.enumerated() {
                    let row = try #require(try await database.raw("SELECT d FROM probe WHERE id = \(bind: 200 + index)").first())
                    #expect(try row.decode(column: "d", as: Double.self) == double)
                }
                for (index, blob) in blobs.enumerated() {
                    let row = try #require(try await database.raw("SELECT b FROM probe WHERE id = \(bind: 300 + index)").first())
                    #expect(try row.decodeNil(column: "b") == false)
                    #expect(try row.decode(column: "b", as: Data.self) == Data(blob))
                }
                let empty = try #require(try await database.raw("SELECT t, i, b FROM probe WHERE id = 400").first())
                #expect(try empty.decodeNil(column: "t"))
                #expect(try empty.decode(column: "i", as: Int?.self) == nil)
                #expect(empty.allColumns == ["t", "i", "b"])
                #expect(empty.contains(column: "i") && !empty.contains(column: "missing"))
                #expect(throws: DecodingError.self) { try empty.decode(column: "missing", as: String.self) }
            }
        }
    }

    @Test("positional reads give the same values as column decoding")
    func positionalReads() async throws {
        try await withSQLiteStore { store in
            try await store.write { database in
                try await database.raw("CREATE TABLE probe (k TEXT, v REAL, n INTEGER)").run()
                try await database.raw("INSERT INTO probe VALUES ('a', 1.5, 7), ('b', NULL, 8), (NULL, 2, NULL)").run()
            }
            let rows = try await store.read { database in
                try await database.rows("SELECT k, v, n FROM probe ORDER BY rowid", [.text, .double, .int64])
            }
            #expect(rows == [
                [.text("a"), .double(1.5), .int64(7)],
                [.text("b"), .null, .int64(8)],
                [.null, .double(2), .null],
            ])
        }
    }

    @Test("Codable models decode from rows, and JSON-encoded values round-trip")
    func modelsDecode() async throws {
        try await withSQLiteStore { store in
            try await store.write { database in
                try await database.raw("CREATE TABLE probe (name TEXT NOT NULL, count INTEGER NOT NULL)").run()
                try await database.insert(into: "probe").model(Probe(name: "first", count: 3)).run()
            }
            let probes = try await store.read { database in
                try await database.select().columns("name", "count").from("probe").all(decoding: Probe.self)
            }
            #expect(probes == [Probe(name: "first", count: 3)])
        }
    }

    @Test("values SQLite has no type for are bound as SQLiteKit binds them: JSON text")
    func encodedValues() async throws {
        try await withSQLiteStore { store in
            try await store.write { try await $0.raw("CREATE TABLE probe (payload TEXT)").run() }
            let prepared = try store.dialect.prepare("INSERT INTO probe VALUES (\(bind: Probe(name: "json", count: 2)))")
            try await store.write { database in
                try await database.run(prepared)
                try await database.raw("INSERT INTO probe VALUES (\(bind: Probe(name: "inline", count: 1)))").run()
            }
            let rows = try await store.read { try await $0.rows("SELECT payload FROM probe ORDER BY rowid", [.text]) }
            let decoded = try rows.map { row in try JSONDecoder().decode(Probe.self, from: Data(try #require(row[0].text).utf8)) }
            #expect(decoded == [Probe(name: "json", count: 2), Probe(name: "inline", count: 1)])
        }
    }

    @Test("a duplicate key is RESOURCE_ALREADY_EXISTS and leaves the stored row alone")
    func duplicateKeys() async throws {
        try await withSQLiteStore { store in
            try await store.write { database in
                try await database.raw("CREATE TABLE probe (id TEXT PRIMARY KEY, v TEXT UNIQUE)").run()
                try await database.raw("INSERT INTO probe VALUES ('a', 'kept')").run()
            }
            for statement: SQLQueryString in ["INSERT INTO probe VALUES ('a', 'other')", "INSERT INTO probe VALUES ('b', 'kept')"] {
                do {
                    try await store.write { try await $0.raw(statement).run() }
                    Issue.record("the duplicate was stored")
                } catch let error as KeelError {
                    #expect(error.code == .resourceAlreadyExists)
                }
            }
            let rows = try await store.read { try await $0.rows("SELECT id, v FROM probe", [.text, .text]) }
            #expect(rows == [[.text("a"), .text("kept")]])
        }
    }

    @Test("a call with two statements is refused rather than half run")
    func oneStatementPerCall() async throws {
        try await withSQLiteStore { store in
            try await store.write { try await $0.raw("CREATE TABLE probe (v INTEGER)").run() }
            await #expect(throws: SQLiteFailure.self) {
                try await store.write { try await $0.raw("INSERT INTO probe VALUES (1); INSERT INTO probe VALUES (2)").run() }
            }
            // A trailing semicolon is one statement.
            try await store.write { try await $0.raw("INSERT INTO probe VALUES (3);  \n").run() }
            let rows = try await store.read { try await $0.rows("SELECT v FROM probe", [.int64]) }
            #expect(rows == [[.int64(3)]])
        }
    }

    @Test("more distinct statements than the cache holds all still run")
    func statementCacheTurnsOver() async throws {
        try await withSQLiteStore { store in
            try await store.write { try await $0.raw("CREATE TABLE probe (v INTEGER)").run() }
            try await store.write { database in
                // IN lists of every length up to 600: each is a distinct statement text.
                for length in 1...600 {
                    let values = SQLList((0..<length).map { SQLBind($0) })
                    try await database.raw("INSERT INTO probe SELECT \(bind: length) WHERE \(bind: length - 1) IN (\(values))").run()
                }
            }
            let count = try await store.read { try await $0.rows("SELECT count(*) FROM probe", [.int64]) }
            #expect(count == [[.int64(600)]])
        }
    }

    @Test("transactions run on their connection's own thread; a stray statement is moved there")
    func transactionsRunOnTheirThread() async throws {
        try await withSQLiteStore { store in
            let onWriterThread = try await store.write { database in
                (database as? SQLiteThreadDatabase)?.thread.isCurrent == true
            }
            #expect(onWriterThread)
            let onReaderThread = try await store.read { database in
                (database as? SQLiteThreadDatabase)?.thread.isCurrent == true
            }
            #expect(onReaderThread)
            // A statement from a task with no preference (an unstructured task inside the body)
            // still reaches the connection and answers.
            let answer = try await store.read { database in
                try await Task.detached {
                    try await database.rows("SELECT 41 + 1", [.int64])
                }.value
            }
            #expect(answer == [[.int64(42)]])
        }
    }

    @Test("a failed read rolls back its snapshot and the connection serves the next read")
    func failedReadsLeaveNoTransaction() async throws {
        try await withSQLiteStore { store in
            try await store.write { try await $0.raw("CREATE TABLE probe (v INTEGER)").run() }
            // More failures than readers: each connection must come back usable.
            for _ in 0..<10 {
                await #expect(throws: SQLiteFailure.self) {
                    try await store.read { try await $0.raw("SELECT * FROM no_such_table").run() }
                }
            }
            try await store.write { try await $0.raw("INSERT INTO probe VALUES (1)").run() }
            let rows = try await store.read { try await $0.rows("SELECT v FROM probe", [.int64]) }
            #expect(rows == [[.int64(1)]])
        }
    }
}
