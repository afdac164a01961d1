import ArgumentParser
import Foundation
import KeelClient

extension Keel.Deploy {
    /// `keel deploy sensitive`.
    struct Sensitive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a deployment's personal-data columns: the inference log redacts or hashes them as it writes.",
            discussion: """
                The values never reach the database. `redact` keeps "[REDACTED]"; `hash` keeps an
                HMAC-SHA256 under the deployment's own key, so equal values still match (to join
                feedback, count repeats) but cannot be looked up without the key, which is never
                shown. Drift skips these columns. Requests logged before the change keep what was
                logged then.
                  keel deploy sensitive churn email=hash ssn=redact
                  keel deploy sensitive churn --clear
                """
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment.") var name: String
        @Argument(help: ArgumentHelp("COLUMN=redact or COLUMN=hash; these replace the current marks.", valueName: "column=treatment"))
        var columns: [String] = []
        @Flag(help: "Unmark every column.") var clear = false

        func validate() throws {
            if clear == !columns.isEmpty { throw ValidationError(clear ? "Give no columns with --clear." : "Give COLUMN=redact|hash, or --clear.") }
        }

        func run() async throws {
            let marks = clear ? [:] : try SensitiveColumnsArgument.parse(columns)
            let answer = try await options.client().callKeel("PATCH", "deployments/\(name)", body: ["sensitive_columns": marks])
            let deployment = answer["deployment"] as? [String: Any] ?? [:]
            if options.json { return try options.printJSON(deployment["sensitive_columns"] ?? [:]) }
            let now = (deployment["sensitive_columns"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
            print(now.isEmpty ? "No column of '\(name)' is marked sensitive." : "The inference log of '\(name)' now keeps: " + now.map { "\($0.key) \($0.value == "hash" ? "hashed" : "redacted")" }.joined(separator: ", ") + ".")
        }
    }
}

/// `COLUMN=redact|hash` arguments.
enum SensitiveColumnsArgument {
    static func parse(_ arguments: [String]) throws -> [String: String] {
        var marks: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.lastIndex(of: "="), equals != argument.startIndex else {
                throw ValidationError("'\(argument)' is not COLUMN=redact or COLUMN=hash.")
            }
            let treatment = argument[argument.index(after: equals)...].lowercased()
            guard ["redact", "hash"].contains(treatment) else {
                throw ValidationError("'\(argument)': the treatment is redact or hash, not '\(treatment)'.")
            }
            marks[String(argument[..<equals])] = treatment
        }
        return marks
    }
}
