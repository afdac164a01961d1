import ArgumentParser
import Foundation
import KeelClient

/// Options every command that talks to a running server shares.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The Keel server to talk to. Default: $KEEL_SERVER, else http://127.0.0.1:5000.", valueName: "url"
    ))
    var server: String?

    @Flag(help: "Print JSON for programs instead of a table for people.")
    var json = false

    /// The client for the chosen server.
    func client() throws -> ServerClient {
        let address = server ?? ProcessInfo.processInfo.environment["KEEL_SERVER"] ?? "http://127.0.0.1:5000"
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http(s) URL, got '\(address)'.")
        }
        return ServerClient(baseURL: url, authorization: ServerClient.authorization())
    }

    /// Prints a JSON value as indented text.
    func printJSON(_ value: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
