import ArgumentParser
import Foundation
import KeelClient
import KeelGovernance
import KeelStore
import Logging

extension Keel {
    /// `keel audit`: the hash-chained log of every change.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and verify the audit log of a server started with --auth.",
            discussion: """
                Every change (a POST, PUT, PATCH or DELETE that is not a search or a prediction)
                is appended with who made it, from where, what it named and how it ended. Each
                entry holds the hash of the one before, so an edited, removed or cut-off entry
                breaks the chain.
                  keel audit list --resource models/churn
                  keel audit verify --data-dir ./keel-data     # offline, on the store itself
                  keel audit verify --server http://keel:5000  # as an admin
                """,
            subcommands: [List.self, Verify.self]
        )
    }
}

extension Keel.Audit {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show audit entries, newest first (admins only).")

        @OptionGroup var options: ClientOptions
        @Option(help: ArgumentHelp("Only this resource and what lies under it, e.g. models/churn, runs/<id>, deployments/churn.", valueName: "resource"))
        var resource: String?
        @Option(help: "Only changes by this user.") var actor: String?
        @Option(help: "How many entries.") var maxResults = 50

        func run() async throws {
            var query = ["max_results": String(maxResults)]
            if let resource { query["resource"] = resource }
            if let actor { query["actor"] = actor }
            let entries = try await options.client().callKeel("GET", "audit", query: query)["entries"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(entries) }
            var table = TextTable(headers: ["SEQ", "WHEN (UTC)", "WHO", "FROM", "STATUS", "RESOURCE", "ACTION"])
            for entry in entries {
                table.rows.append([
                    JSONValue.int64(entry["seq"]).map(String.init) ?? "", TimeFormat.millis(entry["at"]), entry["actor"] as? String ?? "",
                    entry["remote"] as? String ?? "", JSONValue.int64(entry["status"]).map(String.init) ?? "",
                    entry["resource"] as? String ?? "", entry["action"] as? String ?? "",
                ])
            }
            print(table.render())
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no audit entry was edited, removed or cut off; exits 1 if one was.",
            discussion: "Offline with --data-dir or --db (reads the store directly), or through a server with --server (as an admin)."
        )

        @Option(help: ArgumentHelp("The data directory of a stopped or running server (its keel.db).", valueName: "path")) var dataDir: String?
        @Option(help: ArgumentHelp("The metadata database: postgres://… or an SQLite file.", valueName: "url")) var db: String?
        @OptionGroup var options: ClientOptions

        func validate() throws {
            if dataDir != nil && db != nil { throw ValidationError("Give --data-dir or --db, not both.") }
        }

        func run() async throws {
            let intact: Bool
            let summary: [String: Any]
            if dataDir != nil || db != nil {
                var logger = Logger(label: "keel.audit")
                logger.logLevel = .warning
                let configuration = db.map(StoreConfiguration.init(parsing:)) ?? .sqlite(path: dataDir! + "/keel.db")
                if case .sqlite(let path) = configuration, !FileManager.default.fileExists(atPath: path) {
                    throw ValidationError("No Keel database at \(path).")
                }
                let store = try await configuration.open(logger: logger)
                let result: AuditVerification
                do {
                    result = try await AuditLog(store: store).verify()
                } catch {
                    try? await store.close()
                    throw ValidationError("Cannot read the audit log in this store (a Keel older than the audit log?): \(error)")
                }
                try await store.close()
                intact = result.isIntact
                var object: [String: Any] = ["intact": result.isIntact, "entries": result.entries]
                if let problem = result.problem { object["problem"] = problem }
                if let broken = result.brokenAt { object["broken_at"] = broken }
                summary = object
            } else {
                summary = try await options.client().callKeel("GET", "audit/verify")
                intact = summary["intact"] as? Bool == true
            }
            if options.json {
                try options.printJSON(summary)
            } else if intact {
                print("The audit log is intact: \(JSONValue.int64(summary["entries"]) ?? 0) entries, every hash and link checked.")
            } else {
                print("The audit log is BROKEN: \(summary["problem"] as? String ?? "unknown problem").")
            }
            if !intact { throw ExitCode(1) }
        }
    }
}
