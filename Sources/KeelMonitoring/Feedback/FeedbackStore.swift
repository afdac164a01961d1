import KeelCore
import KeelStore
import SQLKit

/// One stored label: a row of a logged request and its ground truth.
struct StoredLabel: Sendable, Hashable {
    var requestID: String
    var row: Int
    var deployment: String
    var label: String
}

/// The `feedback` table.
struct FeedbackStore: Sendable {
    let store: any MetadataStore

    private struct Row: Decodable {
        let requestId: String
        let rowIndex: Int64
        let deployment: String
        let label: String
    }

    /// Labels stored for these requests, keyed by request id then row.
    func labels(requestIDs: [String]) async throws -> [String: [Int: String]] {
        var found: [String: [Int: String]] = [:]
        for chunk in requestIDs.chunked(into: 500) {
            let rows = try await store.read { database in
                try await database.select().columns("request_id", "row_index", "deployment", "label").from("feedback")
                    .where("request_id", .in, chunk)
                    .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            for row in rows { found[row.requestId, default: [:]][Int(row.rowIndex)] = row.label }
        }
        return found
    }

    /// Stores `labels` in one transaction, replacing rows in `replacing`; every existing label
    /// is checked again inside the transaction so two concurrent calls cannot both win.
    func save(_ labels: [StoredLabel], replacing: Set<StoredLabel>) async throws {
        let now = Timestamp.nowMillis()
        try await store.write { database in
            for chunk in labels.chunked(into: 200) {
                let existing = try await database.select().columns("request_id", "row_index", "deployment", "label").from("feedback")
                    .where("request_id", .in, Array(Set(chunk.map(\.requestID))))
                    .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
                var stored: [String: String] = [:]
                for row in existing { stored["\(row.requestId)\u{0}\(row.rowIndex)"] = row.label }
                for label in chunk {
                    let key = "\(label.requestID)\u{0}\(label.row)"
                    if let previous = stored[key] {
                        guard previous != label.label else { continue }
                        guard replacing.contains(label) else {
                            throw KeelError.invalidParameter(
                                "Request \(label.requestID) row \(label.row) is already labelled '\(previous)'; send \"replace\": true to correct it."
                            )
                        }
                        try await database.update("feedback").set("label", to: label.label).set("received_at", to: now)
                            .where("request_id", .equal, label.requestID).where("row_index", .equal, label.row).run()
                    } else {
                        try await database.insert(into: "feedback").columns("request_id", "row_index", "deployment", "label", "received_at")
                            .values(SQLBind(label.requestID), SQLBind(label.row), SQLBind(label.deployment), SQLBind(label.label), SQLBind(now))
                            .run()
                    }
                    stored[key] = label.label
                }
            }
        }
    }
}
