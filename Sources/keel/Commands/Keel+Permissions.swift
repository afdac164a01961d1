import ArgumentParser
import Foundation
import KeelClient

extension Keel {
    /// `keel permissions`: who may do what with each resource on a server started with `--auth`.
    struct Permissions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant, revoke and list per-resource permissions on a server started with --auth.",
            discussion: """
                A resource is KIND/ID: experiment/3, model/churn, deployment/churn or pipeline/churn.
                Levels, each including the ones before it: READ (see), USE (predict, run a
                pipeline), EDIT (change), MANAGE (delete, grant). NO_PERMISSIONS shuts a user
                out even when the server's default (--default-permission) would let them in.
                Whoever creates a resource holds MANAGE on it; admins hold it on everything.
                  keel permissions grant bob EDIT experiment/3
                  keel permissions grant ci-bot USE deployment/churn
                  keel permissions list model/churn        # who holds what on it
                  keel permissions list --user bob         # what bob holds
                  keel permissions check bob deployment/churn
                  keel permissions revoke bob experiment/3
                """,
            subcommands: [Grant.self, Revoke.self, List.self, Check.self]
        )
    }
}

/// `KIND/ID` as the commands take it, mapped to the API's resource_type.
struct ResourceArgument: ExpressibleByArgument {
    let type: String
    let id: String

    static let kinds = ["experiment": "experiment", "model": "registered_model", "registered_model": "registered_model", "deployment": "deployment", "pipeline": "pipeline"]

    init?(argument: String) {
        guard let slash = argument.firstIndex(of: "/"), let type = Self.kinds[String(argument[..<slash]).lowercased()] else { return nil }
        let id = String(argument[argument.index(after: slash)...])
        guard !id.isEmpty else { return nil }
        self.type = type
        self.id = id
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

private let resourceHelp = ArgumentHelp("KIND/ID: experiment/3, model/churn, deployment/churn or pipeline/churn.", valueName: "kind/id")

extension Keel.Permissions {
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's level on a resource (needs MANAGE on it).")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The user.") var username: String
        @Argument(help: "READ, USE, EDIT, MANAGE or NO_PERMISSIONS.") var level: String
        @Argument(help: resourceHelp) var resource: ResourceArgument

        func run() async throws {
            _ = try await options.client().callMLflowV3("POST", "users/permissions/grant", body: [
                "username": username, "resource_type": resource.type, "resource_id": resource.id, "permission": level.uppercased(),
            ])
            if options.json { return try options.printJSON([:]) }
            print("'\(username)' now holds \(level.uppercased()) on \(resource.type) '\(resource.id)'.")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user's grant; they fall back to the server's default level.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The user.") var username: String
        @Argument(help: resourceHelp) var resource: ResourceArgument

        func run() async throws {
            _ = try await options.client().callMLflowV3("POST", "users/permissions/revoke", body: [
                "username": username, "resource_type": resource.type, "resource_id": resource.id,
            ])
            if options.json { return try options.printJSON([:]) }
            print("Revoked the grant of '\(username)' on \(resource.type) '\(resource.id)'.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the grants on a resource (needs MANAGE on it), or a user's grants (yours by default)."
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: resourceHelp) var resource: ResourceArgument?
        @Option(help: "List this user's grants (yourself, or anyone as an admin).") var user: String?

        func validate() throws {
            if resource != nil, user != nil { throw ValidationError("Give a resource or --user, not both.") }
        }

        func run() async throws {
            let client = try options.client()
            if let resource {
                let answer = try await client.callKeel("GET", "permissions", query: ["resource_type": resource.type, "resource_id": resource.id])
                if options.json { return try options.printJSON(answer) }
                var table = TextTable(headers: ["USER", "PERMISSION", "GRANTED BY", "GRANTED"])
                for grant in answer["permissions"] as? [[String: Any]] ?? [] {
                    table.rows.append([
                        grant["username"] as? String ?? "", grant["permission"] as? String ?? "",
                        grant["granted_by"] as? String ?? "", TimeFormat.millis(grant["granted_at"]),
                    ])
                }
                print(table.rows.isEmpty ? "No grants on \(resource.type) '\(resource.id)'." : table.render())
                print("Everyone else: \(answer["default_permission"] as? String ?? "?") (the server's default); admins: MANAGE.")
                return
            }
            let answer = if let user {
                try await client.callMLflowV3("GET", "users/permissions/list", query: ["username": user])
            } else {
                try await client.callMLflowV3("GET", "users/current/permissions")
            }
            if options.json { return try options.printJSON(answer) }
            var table = TextTable(headers: ["RESOURCE TYPE", "RESOURCE", "PERMISSION"])
            for grant in answer["permissions"] as? [[String: Any]] ?? [] {
                table.rows.append([grant["resource_type"] as? String ?? "", grant["resource_pattern"] as? String ?? "", grant["permission"] as? String ?? ""])
            }
            if answer["is_admin"] as? Bool == true { print("An admin: MANAGE on everything.") }
            print(table.rows.isEmpty ? "No grants; the server's default level applies everywhere." : table.render())
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the level a user holds on a resource, grant or default.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The user.") var username: String
        @Argument(help: resourceHelp) var resource: ResourceArgument

        func run() async throws {
            let answer = try await options.client().callMLflowV3("GET", "users/permissions/get", query: [
                "username": username, "resource_type": resource.type, "resource_id": resource.id,
            ])
            if options.json { return try options.printJSON(answer) }
            print("'\(username)' holds \(answer["permission"] as? String ?? "?") on \(resource.type) '\(resource.id)'.")
        }
    }
}
