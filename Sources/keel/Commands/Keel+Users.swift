import ArgumentParser
import Foundation
import KeelClient

extension Keel {
    /// `keel users`: accounts on a server started with `--auth`.
    struct Users: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the users of a server started with --auth (admins only).",
            discussion: """
                Commands authenticate with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or
                with a token in KEEL_TOKEN or MLFLOW_TRACKING_TOKEN, the same variables the mlflow
                client reads.
                  keel users add alice                  # asks for the password twice
                  echo "$PASSWORD" | keel users add ci-bot --password-stdin
                  keel users list
                  keel users passwd alice
                  keel users delete alice
                """,
            subcommands: [Add.self, List.self, Passwd.self, Delete.self]
        )
    }

    /// `keel tokens`: API tokens for programs.
    struct Tokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, list and revoke API tokens (Bearer credentials for programs).",
            discussion: """
                A token is shown once, when it is created; the server keeps only its SHA-256.
                  keel tokens create --name ci --expires 30d
                  MLFLOW_TRACKING_TOKEN=keel_... python train.py
                  keel tokens list
                  keel tokens revoke 3f2a…
                """,
            subcommands: [Create.self, List.self, Revoke.self]
        )
    }
}

/// Reads a password: from stdin for scripts, else asked twice on the terminal without echo.
enum PasswordInput {
    static func read(fromStdin: Bool) throws -> String {
        if fromStdin {
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("--password-stdin: no password on standard input.")
            }
            return line
        }
        guard let first = getpass("Password: ").map({ String(cString: $0) }), !first.isEmpty else {
            throw ValidationError("No password given.")
        }
        guard let second = getpass("Again: ").map({ String(cString: $0) }), second == first else {
            throw ValidationError("The two passwords differ.")
        }
        return first
    }
}

extension Keel.Users {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user (at least 12 characters of password).")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The username.") var username: String
        @Flag(help: "Make the user an admin.") var admin = false
        @Flag(help: "Read the password from standard input instead of asking.") var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(fromStdin: passwordStdin)
            let user = try await options.client().callKeel("POST", "users", body: ["username": username, "password": password, "is_admin": admin])["user"]
            if options.json { return try options.printJSON(user ?? [:]) }
            print("Added user '\(username)'\(admin ? " (admin)" : "").")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let users = try await options.client().callKeel("GET", "users")["users"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(users) }
            var table = TextTable(headers: ["USERNAME", "ADMIN", "CREATED", "LOCKED UNTIL"])
            for user in users {
                table.rows.append([
                    user["username"] as? String ?? "", user["is_admin"] as? Bool == true ? "yes" : "no",
                    TimeFormat.millis(user["created_at"]), user["locked_until"].map { TimeFormat.millis($0) } ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a password (your own, or anyone's as an admin); lifts a lockout.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The username.") var username: String
        @Flag(help: "Read the new password from standard input instead of asking.") var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(fromStdin: passwordStdin)
            _ = try await options.client().callKeel("PATCH", "users/\(username)", body: ["password": password])
            if options.json { return try options.printJSON([:]) }
            print("Changed the password of '\(username)'.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user and their tokens.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The username.") var username: String

        func run() async throws {
            _ = try await options.client().callKeel("DELETE", "users/\(username)")
            if options.json { return try options.printJSON([:]) }
            print("Deleted user '\(username)'.")
        }
    }
}

extension Keel.Tokens {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once.")

        @OptionGroup var options: ClientOptions
        @Option(help: "What the token is for.") var name: String
        @Option(help: ArgumentHelp("Lifetime in days, e.g. 30d or 30. Default: no expiry.", valueName: "days")) var expires: String?
        @Option(help: "Create it for another user (admins only).") var user: String?

        func run() async throws {
            var body: [String: Any] = ["name": name]
            if let expires {
                guard let days = Int(expires.hasSuffix("d") ? String(expires.dropLast()) : expires), days > 0 else {
                    throw ValidationError("--expires takes days, e.g. 30d.")
                }
                body["expires_in_days"] = days
            }
            if let user { body["username"] = user }
            let answer = try await options.client().callKeel("POST", "tokens", body: body)
            if options.json { return try options.printJSON(answer) }
            let token = answer["token"] as? [String: Any] ?? [:]
            print("Token '\(name)' (id \(token["id"] as? String ?? "")) for '\(token["username"] as? String ?? "")'\(token["expires_at"].map { ", expires \(TimeFormat.millis($0)) UTC" } ?? ""):")
            print("  \(answer["secret"] as? String ?? "")")
            print("It is not shown again. Use it as MLFLOW_TRACKING_TOKEN or KEEL_TOKEN.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your tokens (--all: everyone's, admins only).")

        @OptionGroup var options: ClientOptions
        @Flag(help: "Every user's tokens.") var all = false

        func run() async throws {
            let tokens = try await options.client().callKeel("GET", "tokens", query: all ? ["all": "true"] : [:])["tokens"] as? [[String: Any]] ?? []
            if options.json { return try options.printJSON(tokens) }
            var table = TextTable(headers: ["ID", "USER", "NAME", "CREATED", "EXPIRES", "STATE"])
            for token in tokens {
                let state = token["revoked_at"] != nil ? "revoked" : (token["usable"] as? Bool == true ? "active" : "expired")
                table.rows.append([
                    token["id"] as? String ?? "", token["username"] as? String ?? "", token["name"] as? String ?? "",
                    TimeFormat.millis(token["created_at"]), token["expires_at"].map { TimeFormat.millis($0) } ?? "never", state,
                ])
            }
            print(table.render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The token's id.") var id: String

        func run() async throws {
            _ = try await options.client().callKeel("DELETE", "tokens/\(id)")
            if options.json { return try options.printJSON([:]) }
            print("Revoked token \(id).")
        }
    }
}
