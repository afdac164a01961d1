import ArgumentParser
import Foundation

/// `keel-load-driver PLAN.json`: replays a benchmark's requests over keep-alive connections.
@main
struct LoadDriverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-load-driver",
        abstract: "Send a benchmark's requests to a server from one thread, at little CPU cost.",
        discussion: """
            The tracking benchmark (Benchmarks/tracking) writes the plan and reads the result; \
            you rarely run this by hand. The plan is JSON: the server's url, how many \
            connections, how long (seconds, or units_per_connection), and the units each \
            connection cycles through, each a list of requests sent one after the other. \
            Bodies may hold {{connection}}, {{unit}}, {{now_ms}} and captured values such as \
            {{run_id}}, taken from an earlier answer's JSON.

            The result is one JSON object on standard output: seconds, units, failed_units, \
            requests, client_cpu_seconds and the failed requests.

            Build it with the server: swift build -c release --product keel-load-driver
            """
    )

    @Argument(help: "The plan file (JSON) the benchmark wrote.")
    var plan: String

    func run() throws {
        var driver = try LoadDriver(LoadPlan.load(path: plan))
        let result = try driver.run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
}
