import KeelCore
import Testing
@testable import KeelStore

@Suite("Artifact paths")
struct ArtifactPathTests {
    @Test("ordinary relative paths are kept, empty segments dropped")
    func accepted() throws {
        #expect(try ArtifactPath(validating: "1/abc/artifacts/model/MLmodel").components == ["1", "abc", "artifacts", "model", "MLmodel"])
        #expect(try ArtifactPath(validating: "a//b/").string == "a/b")
        #expect(try ArtifactPath(validating: "").isRoot)
        #expect(try ArtifactPath(validating: "data/file with spaces.csv").lastComponent == "file with spaces.csv")
        #expect(try ArtifactPath(validating: "ünïcode/ファイル.txt").components.count == 2)
    }

    @Test("anything that could leave the root is refused", arguments: [
        "..", "../etc/passwd", "a/../../b", "a/./b", "/etc/passwd", "a\\..\\b", "..\\windows",
        "a/%2e%2e/b", "%2e%2e/x", "a/%252e%252e/b", "file#fragment", "a?b=c", "nul\u{0}byte", "C:/windows", "c:",
        "line\nbreak",
    ])
    func refused(path: String) {
        #expect(throws: KeelError.self) { try ArtifactPath(validating: path) }
    }

    @Test("percent decoding decodes once and rejects invalid UTF-8")
    func decoding() {
        #expect(PercentDecoding.decode("a%20b%2Fc") == "a b/c")
        #expect(PercentDecoding.decode("%252e") == "%2e")
        #expect(PercentDecoding.decode("100%") == "100%")
        #expect(PercentDecoding.decode("%ff%fe") == nil)
    }
}
