import ArgumentParser
import Foundation

extension Keel.Deploy {
    /// `keel deploy canary`.
    struct Canary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a share of the traffic to a candidate version.",
            discussion: """
                Compare the two in /metrics (label version) and the inference log, then:
                  keel deploy promote churn     # the candidate becomes primary (and the alias moves)
                  keel deploy rollback churn    # every request to the primary again
                Example:
                  keel deploy canary churn --version 4 --percent 10
                """
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment's name.") var name: String
        @Option(help: "The candidate version.") var version: String
        @Option(help: "Percent of requests the candidate answers (0-100).") var percent: Double = 10

        func run() async throws {
            try await TrafficChange.apply(name, ["kind": "canary", "candidate": version, "percent": percent], options: options)
        }
    }

    /// `keel deploy split`.
    struct Split: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A/B test: split traffic between versions by weight.",
            discussion: """
                With --sticky-header, requests carrying the same header value always reach the
                same version (e.g. a user id), so each user sees one model:
                  keel deploy split churn --weights 3=50,4=50 --sticky-header X-User-Id
                """
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment's name.") var name: String
        @Option(help: ArgumentHelp("version=weight pairs, comma-separated, e.g. 3=70,4=30.", valueName: "pairs")) var weights: String
        @Option(help: "A request header whose value pins a caller to one version.") var stickyHeader: String?

        func run() async throws {
            var variants: [[String: Any]] = []
            for pair in weights.split(separator: ",") {
                let parts = pair.split(separator: "=")
                guard parts.count == 2, let weight = Double(parts[1]) else {
                    throw ValidationError("--weights takes version=weight pairs, e.g. 3=70,4=30; got '\(pair)'.")
                }
                variants.append(["version": String(parts[0]), "weight": weight])
            }
            var traffic: [String: Any] = ["kind": "ab", "variants": variants]
            if let stickyHeader { traffic["sticky_header"] = stickyHeader }
            try await TrafficChange.apply(name, traffic, options: options)
        }
    }

    /// `keel deploy shadow`.
    struct Shadow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mirror every request to a candidate; callers always get the primary's answer.",
            discussion: """
                The candidate's answers go to the inference log (role shadow) for comparison;
                its failures never reach callers.
                  keel deploy shadow churn --version 4
                """
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment's name.") var name: String
        @Option(help: "The candidate version.") var version: String

        func run() async throws {
            try await TrafficChange.apply(name, ["kind": "shadow", "candidate": version], options: options)
        }
    }

    /// `keel deploy promote`.
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the candidate (or the chosen A/B version) the primary version.",
            discussion: "If the deployment follows an alias, the alias moves to the promoted version too."
        )

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment's name.") var name: String
        @Option(help: "The version to promote (required for an A/B split).") var version: String?

        func run() async throws {
            var body: [String: Any] = [:]
            if let version { body["version"] = version }
            let deployment = try await options.client().callKeel("POST", "deployments/\(name)/promote", body: body)["deployment"]
            try DeploymentOutput.show(deployment as? [String: Any] ?? [:], options: options)
        }
    }

    /// `keel deploy rollback`.
    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop the candidate or split: every request to the primary again.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment's name.") var name: String

        func run() async throws {
            let deployment = try await options.client().callKeel("POST", "deployments/\(name)/rollback", body: [:])["deployment"]
            try DeploymentOutput.show(deployment as? [String: Any] ?? [:], options: options)
        }
    }

    /// `keel deploy history`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What happened to a deployment: which version served when.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The deployment's name.") var name: String

        func run() async throws {
            let events = try await options.client().callKeel("GET", "deployments/\(name)/history")["events"] as? [[String: Any]] ?? []
            if options.json {
                try options.printJSON(events)
                return
            }
            var table = TextTable(headers: ["WHEN (UTC)", "EVENT", "PRIMARY", "TRAFFIC"])
            for event in events {
                table.rows.append([
                    TimeFormat.millis(event["created_at"]), JSONValue.text(event["kind"]), JSONValue.text(event["version"] ?? "-"),
                    DeploymentOutput.traffic(event["traffic"]),
                ])
            }
            print(table.render())
        }
    }
}

/// Applies a traffic policy and shows the result.
enum TrafficChange {
    static func apply(_ name: String, _ traffic: [String: Any], options: ClientOptions) async throws {
        let deployment = try await options.client().callKeel("PATCH", "deployments/\(name)", body: ["traffic": traffic])["deployment"]
        try DeploymentOutput.show(deployment as? [String: Any] ?? [:], options: options)
    }
}
