import Foundation
import KeelCore
public import KeelStore
import SQLKit

/// The append-only, hash-chained audit log (`audit_log`, `audit_head`).
///
/// Each append reads the head and writes the new entry and the new head in one transaction; two
/// replicas appending at once collide on the entry's number and the loser retries, so the chain
/// never forks. `verify` walks the whole log in order and reports the first entry that was
/// edited, removed or cut off.
public struct AuditLog: Sendable {
    let store: any MetadataStore

    public init(store: any MetadataStore) {
        self.store = store
    }

    /// What an append records (the log adds the number, time and hashes).
    public struct Record: Sendable {
        public var actor: String
        public var authMethod: String
        public var remote: String
        public var action: String
        public var resource: String
        public var status: Int
        public var details: [String: String]

        public init(actor: String, authMethod: String, remote: String, action: String, resource: String, status: Int, details: [String: String]) {
            self.actor = actor
            self.authMethod = authMethod
            self.remote = remote
            self.action = action
            self.resource = resource
            self.status = status
            self.details = details
        }
    }

    private struct Row: Decodable {
        let seq: Int64
        let at: Int64
        let actor: String
        let authMethod: String
        let remote: String
        let action: String
        let resource: String
        let status: Int64
        let details: String
        let prevHash: String
        let hash: String

        var entry: AuditEntry {
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? ["(unreadable details)": details]
            return AuditEntry(
                sequence: seq, at: at, actor: actor, authMethod: authMethod, remote: remote, action: action, resource: resource,
                status: Int(status), details: decoded, previousHash: prevHash, hash: hash
            )
        }
    }

    private static let columns = ["seq", "at", "actor", "auth_method", "remote", "action", "resource", "status", "details", "prev_hash", "hash"]

    /// Appends one entry; returns it.
    @discardableResult
    public func append(_ record: Record) async throws -> AuditEntry {
        var attempt = 0
        while true {
            do {
                return try await appendOnce(record)
            } catch let error as KeelError {
                throw error
            } catch {
                // Another replica took the same number first: read the new head and retry.
                attempt += 1
                if attempt >= 5 { throw error }
            }
        }
    }

    private func appendOnce(_ record: Record) async throws -> AuditEntry {
        let detailsText = String(decoding: try Self.encoder.encode(record.details), as: UTF8.self)
        return try await store.write { database in
            let head = try await database.select().column("seq").column("hash").from("audit_head").where("id", .equal, Int64(1))
                .first(decoding: Head.self)
            var entry = AuditEntry(
                sequence: (head?.seq ?? 0) + 1, at: Timestamp.nowMillis(), actor: record.actor, authMethod: record.authMethod,
                remote: record.remote, action: record.action, resource: record.resource, status: record.status,
                details: record.details, previousHash: head?.hash ?? AuditEntry.genesis, hash: ""
            )
            entry.hash = entry.computedHash()
            try await database.insert(into: "audit_log").columns(Self.columns.map { SQLColumn($0) })
                .values(
                    SQLBind(entry.sequence), SQLBind(entry.at), SQLBind(entry.actor), SQLBind(entry.authMethod), SQLBind(entry.remote),
                    SQLBind(entry.action), SQLBind(entry.resource), SQLBind(Int64(entry.status)), SQLBind(detailsText),
                    SQLBind(entry.previousHash), SQLBind(entry.hash)
                )
                .run()
            if head == nil {
                try await database.insert(into: "audit_head").columns("id", "seq", "hash").values(SQLBind(Int64(1)), SQLBind(entry.sequence), SQLBind(entry.hash)).run()
            } else {
                try await database.update("audit_head").set("seq", to: entry.sequence).set("hash", to: entry.hash).where("id", .equal, Int64(1)).run()
            }
            return entry
        }
    }

    private struct Head: Decodable {
        let seq: Int64
        let hash: String
    }

    /// Entries, newest first, optionally for one resource (and what lies under it:
    /// `models/churn` also finds `models/churn/3`) or one actor.
    public func entries(resource: String?, actor: String?, limit: Int) async throws -> [AuditEntry] {
        try await store.read { database in
            let query = database.select().columns(Self.columns.map { SQLColumn($0) }).from("audit_log")
            if let resource {
                // A prefix test without LIKE, whose escaping differs between SQLite and PostgreSQL.
                let prefix = resource + "/"
                let head = SQLFunction("substr", args: SQLColumn("resource"), SQLLiteral.numeric("1"), SQLLiteral.numeric("\(prefix.unicodeScalars.count)"))
                query.where { group in
                    group.where("resource", .equal, resource).orWhere(head, .equal, SQLBind(prefix))
                }
            }
            if let actor { query.where("actor", .equal, actor) }
            return try await query.orderBy("seq", .descending).limit(max(1, min(limit, 10_000)))
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }.map(\.entry)
    }

    /// Walks the whole chain: every entry's hash recomputed, every link and number checked, and
    /// the last entry compared with the head.
    public func verify() async throws -> AuditVerification {
        var expectedPrevious = AuditEntry.genesis
        var expectedSequence: Int64 = 1
        var last: Int64 = 0
        while true {
            let page = try await store.read { [last] database in
                try await database.select().columns(Self.columns.map { SQLColumn($0) }).from("audit_log")
                    .where("seq", .greaterThan, last).orderBy("seq").limit(5_000)
                    .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            for row in page {
                let entry = row.entry
                if entry.sequence != expectedSequence {
                    return AuditVerification(entries: expectedSequence - 1, problem: "entry \(expectedSequence) is missing (the next one is \(entry.sequence))", brokenAt: expectedSequence)
                }
                if entry.previousHash != expectedPrevious {
                    return AuditVerification(entries: entry.sequence - 1, problem: "entry \(entry.sequence) does not follow from the entry before it", brokenAt: entry.sequence)
                }
                if entry.computedHash() != entry.hash {
                    return AuditVerification(entries: entry.sequence - 1, problem: "entry \(entry.sequence) was changed after it was written", brokenAt: entry.sequence)
                }
                expectedPrevious = entry.hash
                expectedSequence += 1
                last = entry.sequence
            }
            if page.count < 5_000 { break }
        }
        let head = try await store.read { database in
            try await database.select().column("seq").column("hash").from("audit_head").where("id", .equal, Int64(1)).first(decoding: Head.self)
        }
        if let head, head.seq != last || head.hash != expectedPrevious {
            return AuditVerification(entries: last, problem: "the log ends at entry \(last) but was written up to entry \(head.seq): entries were removed from its end", brokenAt: last + 1)
        }
        if head == nil && last > 0 {
            return AuditVerification(entries: last, problem: "the log's head record is missing", brokenAt: nil)
        }
        return AuditVerification(entries: last, problem: nil, brokenAt: nil)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
