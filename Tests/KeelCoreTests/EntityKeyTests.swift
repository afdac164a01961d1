import Testing
@testable import KeelCore

@Suite("Entity keys")
struct EntityKeyTests {
    @Test("MLflow-style keys are accepted", arguments: [
        "loss", "val/loss", "a.b-c_d e:f", "ü",
        // At the limit: 250 characters, whether 250 bytes or (in UTF-8) 500.
        String(repeating: "k", count: 250), String(repeating: "é", count: 250),
    ])
    func accepted(key: String) throws {
        try EntityKey.validate(key, kind: "metric")
    }

    @Test("ambiguous or dangerous keys are refused", arguments: ["", "../x", "/x", "a//b", "a/", "a/./b", "semi;colon", "quote'", "nul\u{0}", "tab\t", String(repeating: "k", count: 251)])
    func refused(key: String) {
        #expect(throws: KeelError.self) { try EntityKey.validate(key, kind: "metric") }
    }

    @Test("long values are truncated, not refused")
    func truncation() {
        #expect(ValueLimits.truncated(String(repeating: "x", count: 7000), to: ValueLimits.paramValue).count == 6000)
        #expect(ValueLimits.truncated("short", to: 10) == "short")
    }
}
