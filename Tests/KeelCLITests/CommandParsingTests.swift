import ArgumentParser
import Testing
@testable import keel

@Suite("Command line")
struct CommandParsingTests {
    @Test("server options parse, with the embedded defaults")
    func serverDefaults() throws {
        let command = try #require(try Keel.parseAsRoot(["server"]) as? Keel.Server)
        #expect(command.host == "127.0.0.1" && command.port == 5000 && command.dataDir == "./keel-data")
        #expect(command.db == nil && command.artifactRoot == nil)
        let custom = try #require(try Keel.parseAsRoot([
            "server", "--port", "0", "--db", "postgres://k:k@localhost/keel", "--artifact-root", "/srv/artifacts",
        ]) as? Keel.Server)
        #expect(custom.port == 0 && custom.db == "postgres://k:k@localhost/keel" && custom.artifactRoot == "/srv/artifacts")
    }

    @Test("invalid values are refused with a message that says what to do")
    func invalidValues() {
        #expect(throws: (any Error).self) { try Keel.parseAsRoot(["server", "--port", "70000"]) }
        #expect(throws: (any Error).self) { try Keel.parseAsRoot(["server", "--log-level", "loud"]) }
        #expect(throws: (any Error).self) { try Keel.parseAsRoot(["runs", "list"]) }
        #expect(throws: (any Error).self) { try Keel.parseAsRoot(["models", "alias", "churn", "champion"]) }
        #expect(throws: (any Error).self) { try Keel.parseAsRoot(["models", "alias", "churn", "champion", "2", "--delete"]) }
    }

    @Test("client commands take --server and --json")
    func clientOptions() throws {
        let list = try #require(try Keel.parseAsRoot([
            "runs", "list", "--experiment", "churn", "--filter", "metrics.auc > 0.8", "--order-by", "metrics.auc DESC",
            "--server", "http://keel:5000", "--json",
        ]) as? Keel.Runs.List)
        #expect(list.experiment == "churn" && list.orderBy == ["metrics.auc DESC"])
        #expect(list.options.json && list.options.server == "http://keel:5000")
        let alias = try #require(try Keel.parseAsRoot(["models", "alias", "churn", "champion", "3"]) as? Keel.Models.Alias)
        #expect(alias.version == "3" && !alias.delete)
    }

    @Test("help teaches with examples")
    func helpTeaches() {
        let serverHelp = Keel.helpMessage(for: Keel.Server.self)
        #expect(serverHelp.contains("MLFLOW_TRACKING_URI"))
        #expect(serverHelp.contains("--db"))
        #expect(Keel.helpMessage(for: Keel.Runs.List.self).contains("metrics.auc > 0.8"))
        #expect(Keel.helpMessage(for: Keel.Models.Alias.self).contains("models:/churn@champion"))
    }
}
