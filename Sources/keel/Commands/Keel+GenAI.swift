import ArgumentParser
import Foundation

extension Keel {
    /// `keel genai`: feedback per prompt or model version, A/B splits and their significance.
    struct GenAI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "genai",
            abstract: "Compare prompt and model versions on their traces' feedback, latency and tokens.",
            discussion: """
                Traces name the prompt versions they loaded (mlflow.genai.load_prompt inside a trace)
                or the model they ran (mlflow.set_active_model); feedback is what users and judges
                logged on them (mlflow.log_feedback, or POST /api/2.0/keel/traces/ID/feedback).
                  keel genai ab set support-bot 3=50 4=50         # split users between versions 3 and 4
                  keel genai ab assign support-bot --key user-42  # the arm a user is sticky to
                  keel genai compare support-bot --window 7d      # A vs B, with p-values
                  keel genai compare support-bot --a 3 --b 4 --window 30d
                  keel genai feedback support-bot --window 30d --bucket 1d
                Thumbs (true/false) are compared with a two-proportion z-test, scores, latency and
                tokens with Welch's t-test. See docs/genai.md.
                """,
            subcommands: [Compare.self, Feedback.self, AB.self]
        )
    }
}

/// The time range a GenAI summary reads.
struct GenAIWindowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A trailing time window: 24h, 7d, 4w. Default: 7d.", valueName: "duration"))
    var window: String?

    @Option(help: ArgumentHelp("Start of a time range, epoch milliseconds.", valueName: "ms"))
    var start: Int64?

    @Option(help: ArgumentHelp("End of a time range, epoch milliseconds (default: now).", valueName: "ms"))
    var end: Int64?

    var query: [String: String] {
        var query: [String: String] = [:]
        if let window { query["window"] = window }
        if let start { query["start"] = String(start) }
        if let end { query["end"] = String(end) }
        return query
    }
}

extension Keel.GenAI {
    static func path(_ prefix: String, _ name: String) -> String {
        prefix + "/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? name)
    }

    /// `keel genai compare`.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two versions of a prompt or model: feedback, errors, latency and tokens, with p-values.",
            discussion: """
                Without --a/--b the two arms of the name's A/B test are compared. A metric is
                marked significant when p < 0.05; the interval is the 95% interval of B − A.
                """
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var range: GenAIWindowOptions

        @Argument(help: "The prompt or registered model.")
        var name: String

        @Option(help: "The control version (A).")
        var a: Int?

        @Option(help: "The challenger version (B).")
        var b: Int?

        func validate() throws {
            if (a == nil) != (b == nil) { throw ValidationError("Give both --a and --b, or neither to use the A/B test.") }
        }

        func run() async throws {
            var query = range.query
            if let a, let b { query["a"] = String(a); query["b"] = String(b) }
            let answer = try await options.client().callKeel("GET", Keel.GenAI.path("genai/compare", name), query: query)
            if options.json { return try options.printJSON(answer) }
            GenAIOutput.printComparison(answer)
        }
    }

    /// `keel genai feedback`.
    struct Feedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Traces, feedback, latency and tokens per version over time.",
            discussion: """
                  keel genai feedback support-bot --window 30d --bucket 1d
                  keel genai feedback support-bot --versions 3,4 --json
                """
        )

        @OptionGroup var options: ClientOptions
        @OptionGroup var range: GenAIWindowOptions

        @Argument(help: "The prompt or registered model.")
        var name: String

        @Option(help: ArgumentHelp("One row per version and bucket of this width: 1h, 1d, 1w.", valueName: "duration"))
        var bucket: String?

        @Option(help: ArgumentHelp("Only these versions, comma-separated.", valueName: "3,4"))
        var versions: String?

        func run() async throws {
            var query = range.query
            if let bucket { query["bucket"] = bucket }
            if let versions { query["versions"] = versions }
            let answer = try await options.client().callKeel("GET", Keel.GenAI.path("genai/feedback", name), query: query)
            if options.json { return try options.printJSON(answer) }
            GenAIOutput.printTimeline(answer)
        }
    }

    /// `keel genai ab`.
    struct AB: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ab",
            abstract: "Split traffic between versions of a prompt or model, sticky per user.",
            subcommands: [Start.self, Show.self, Assign.self, End.self]
        )
    }
}

extension Keel.GenAI.AB {
    /// `keel genai ab set`: named Start, as `Set` would hide the standard library type.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Start or change an A/B test: VERSION=WEIGHT for each arm, control first.",
            discussion: """
                  keel genai ab set support-bot 3=50 4=50
                  keel genai ab set support-bot 3=90 4=10     # a 10% trial of version 4
                Arms are labelled A, B, … in the order given. Each key (user, session) lands on
                the same arm every time; with two arms, changing weights moves only the keys they must.
                """
        )

        @OptionGroup var options: ClientOptions

        @Argument(help: "The prompt or registered model.")
        var name: String

        @Argument(help: ArgumentHelp("Arms as VERSION=WEIGHT (weight defaults to 1).", valueName: "version=weight"))
        var arms: [String]

        func run() async throws {
            let parsed = try arms.map { text throws -> [String: Any] in
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard let version = Int(parts[0]), version > 0, parts.count == 1 || Double(parts[1]) != nil else {
                    throw ValidationError("Write each arm as VERSION=WEIGHT, such as 3=50; got '\(text)'.")
                }
                return ["version": version, "weight": parts.count == 2 ? Double(parts[1])! : 1.0]
            }
            let answer = try await options.client().callKeel("PUT", Keel.GenAI.path("genai/ab-tests", name), body: ["arms": parsed])
            if options.json { return try options.printJSON(answer) }
            GenAIOutput.printABTest(answer["ab_test"] as? [String: Any] ?? [:])
        }
    }

    /// `keel genai ab show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the A/B test on a prompt or model.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The prompt or registered model.")
        var name: String

        func run() async throws {
            let answer = try await options.client().callKeel("GET", Keel.GenAI.path("genai/ab-tests", name))
            if options.json { return try options.printJSON(answer) }
            GenAIOutput.printABTest(answer["ab_test"] as? [String: Any] ?? [:])
        }
    }

    /// `keel genai ab assign`.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the arm a user or session key is assigned to.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The prompt or registered model.")
        var name: String

        @Option(help: "The user or session id.")
        var key: String

        func run() async throws {
            let answer = try await options.client().callKeel("GET", Keel.GenAI.path("genai/ab-tests", name) + "/assign", query: ["key": key])
            if options.json { return try options.printJSON(answer) }
            print("\(key) → arm \(answer["arm"] as? String ?? "?"): \(answer["uri"] as? String ?? "?")")
        }
    }

    /// `keel genai ab end`.
    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End the A/B test on a prompt or model; its traces and feedback stay.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The prompt or registered model.")
        var name: String

        func run() async throws {
            let answer = try await options.client().callKeel("DELETE", Keel.GenAI.path("genai/ab-tests", name))
            if options.json { return try options.printJSON(answer) }
            print("Ended the A/B test on \(name).")
        }
    }
}
