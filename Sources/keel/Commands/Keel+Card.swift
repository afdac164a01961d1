import ArgumentParser
import Foundation
import KeelClient

extension Keel {
    /// `keel card`: model cards generated from lineage.
    struct Card: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a model version's card, generated from its lineage, or fill in the owner's fields.",
            discussion: """
                The card follows "Model Cards for Model Reporting" (Mitchell et al., 2019): model
                details, intended use, factors, metrics, evaluation and training data (datasets
                by hash, their schema, why they were used), quantitative analyses (bias per
                group), deployments with their traffic history, drift and live performance, and
                ethical considerations. Each section names the EU AI Act items it serves.
                  keel card churn/3                    # Markdown, for people
                  keel card churn@champion --html -o card.html
                  keel card churn/3 --json             # for programs
                  keel card edit churn --intended-use "Rank accounts for retention calls" \\
                      --out-of-scope "Pricing or credit decisions"
                """,
            subcommands: [Show.self, Edit.self],
            defaultSubcommand: Show.self
        )
    }
}

extension Keel.Card {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model version's card (Markdown unless --html or --json).")

        @OptionGroup var options: ClientOptions
        @Argument(help: ArgumentHelp("The model version: NAME/VERSION or NAME@ALIAS, e.g. churn/3 or churn@champion.", valueName: "model"))
        var model: String
        @Flag(help: "Print a standalone HTML page.") var html = false
        @Flag(help: "Print Markdown (the default).") var md = false
        @Option(name: .shortAndLong, help: ArgumentHelp("Write the card to this file instead of standard output.", valueName: "file"))
        var output: String?

        func validate() throws {
            guard [html, md, options.json].filter({ $0 }).count <= 1 else { throw ValidationError("Choose one of --html, --md and --json.") }
            _ = try reference()
        }

        /// (name, version or alias) from `churn/3` or `churn@champion`; the name may itself hold '/'.
        func reference() throws -> (name: String, version: String) {
            if let at = model.lastIndex(of: "@"), at != model.startIndex, model.index(after: at) != model.endIndex {
                return (String(model[..<at]), String(model[model.index(after: at)...]))
            }
            if let slash = model.lastIndex(of: "/"), slash != model.startIndex, Int64(model[model.index(after: slash)...]) != nil {
                return (String(model[..<slash]), String(model[model.index(after: slash)...]))
            }
            throw ValidationError("Give the model as NAME/VERSION or NAME@ALIAS, e.g. churn/3 or churn@champion; got '\(model)'.")
        }

        func run() async throws {
            let (name, version) = try reference()
            let format = html ? "html" : options.json ? "json" : "md"
            let path = "model-cards/" + [name, version].map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? $0 }.joined(separator: "/")
            var text = try await options.client().getKeelText(path, query: ["format": format])
            if format == "json", let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data),
               let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
                text = String(decoding: pretty, as: UTF8.self) + "\n"
            }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                FileHandle.standardError.write(Data("Wrote the card of \(name) \(version) to \(output).\n".utf8))
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill in the fields of a model's card that only its owner knows (an empty value clears one).",
            discussion: "They are registered-model tags keel.card.*, so the mlflow client can set them too."
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The registered model's name.") var name: String
        @Option(help: "What the model is for.") var intendedUse: String?
        @Option(help: "Who is meant to use it.") var intendedUsers: String?
        @Option(help: "Uses it was not built or tested for.") var outOfScope: String?
        @Option(help: "Groups, environments or instruments its performance may vary across.") var factors: String?
        @Option(help: "Risks, sensitive data, and what was done about them.") var ethicalConsiderations: String?
        @Option(help: "Limitations, and advice to those deploying it.") var caveats: String?

        func run() async throws {
            var body: [String: Any] = [:]
            for (field, value) in [
                ("intended_use", intendedUse), ("intended_users", intendedUsers), ("out_of_scope_use", outOfScope),
                ("factors", factors), ("ethical_considerations", ethicalConsiderations), ("caveats", caveats),
            ] {
                if let value { body[field] = value }
            }
            guard !body.isEmpty else { throw ValidationError("Give at least one field, e.g. --intended-use \"...\".") }
            let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? name
            let answer = try await options.client().callKeel("PATCH", "model-cards/" + encoded, body: body)
            if options.json { return try options.printJSON(answer) }
            let card = answer["card"] as? [String: Any] ?? [:]
            print("The card of '\(name)' now says:")
            for field in ["intended_use", "intended_users", "out_of_scope_use", "factors", "ethical_considerations", "caveats"] {
                print("  \(field): \(card[field] as? String ?? "(not filled in)")")
            }
        }
    }
}
