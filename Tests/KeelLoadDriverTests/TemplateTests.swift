import Testing
@testable import KeelLoadDriver

@Suite("Load driver: templates, captures, plans")
struct TemplateTests {
    @Test("placeholders are filled; the text around them is copied as is")
    func render() throws {
        let template = try Template(#"{"name": "w{{connection}}-{{unit}}", "run_id": "{{run_id}}", "t": {{now_ms}}}"#,
                                    captureNames: ["run_id"])
        var out: [UInt8] = []
        template.render(into: &out, connection: 3, unit: 42, nowMilliseconds: 1_750_000_000_123, captures: [Array("abc".utf8)])
        #expect(String(decoding: out, as: UTF8.self) == #"{"name": "w3-000042", "run_id": "abc", "t": 1750000000123}"#)
    }

    @Test("unknown or unclosed placeholders are refused", arguments: ["{{run_id}}", "x {{unit", "{{}}"])
    func refused(text: String) {
        #expect(throws: PlanError.self) { try Template(text, captureNames: []) }
    }

    @Test("the unit counter is padded like Python's :06d")
    func padding() {
        #expect(Template.zeroPadded(7, width: 6) == Array("000007".utf8))
        #expect(Template.zeroPadded(1_234_567, width: 6) == Array("1234567".utf8))
    }

    @Test("a capture takes the first string value of its key, not a value that spells the key")
    func capture() {
        let answer = Array(#"{"note": "run_id", "run": {"info": {"run_uuid": "u1", "run_id" : "r1"}}, "run_id": "r2"}"#.utf8)
        #expect(JSONField.firstString(named: "run_id", in: answer) == Array("r1".utf8))
        #expect(JSONField.firstString(named: "missing", in: answer) == nil)
        #expect(JSONField.firstString(named: "run_id", in: Array(#"{"run_id": 5}"#.utf8)) == nil)
    }

    @Test("a POST's head ends where its length goes; the rendered request is whole")
    func request() throws {
        let endpoint = try ServerEndpoint(url: "http://127.0.0.1:5000/prefix/")
        #expect(endpoint.host == "127.0.0.1" && endpoint.port == 5000 && endpoint.pathPrefix == "/prefix")
        let unit = try PreparedUnit(UnitPlan(requests: [
            RequestPlan(method: "POST", path: "/api/x", endpoint: "x", body: #"{"u": {{unit}}}"#),
            RequestPlan(method: "GET", path: "/health", endpoint: "/health", body: nil),
        ], captures: nil), endpoint: endpoint)
        var message: [UInt8] = []
        var scratch: [UInt8] = []
        let bodyStart = unit.render(0, into: &message, body: &scratch, connection: 0, unit: 1, captured: [])
        #expect(String(decoding: message[bodyStart...], as: UTF8.self) == "{\"u\": 000001}")
        #expect(String(decoding: message, as: UTF8.self) == "POST /prefix/api/x HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n"
            + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"u\": 000001}")
        #expect(unit.render(1, into: &message, body: &scratch, connection: 0, unit: 1, captured: []) == message.count)
        #expect(String(decoding: message, as: UTF8.self) == "GET /prefix/health HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n")
    }

    @Test("plans that could not run are refused before connecting")
    func plans() throws {
        let request = RequestPlan(method: "POST", path: "/x", endpoint: "x", body: "{}")
        let good = LoadPlan(url: "http://h:1", connections: 1, connectStaggerSeconds: 0, seconds: 1, unitsPerConnection: nil,
                            maxFailures: 1, units: [UnitPlan(requests: [request], captures: nil)])
        try good.validate()
        var bad = good
        bad.unitsPerConnection = 3
        #expect(throws: PlanError.self) { try bad.validate() }
        bad = good
        bad.units = [UnitPlan(requests: [request], captures: [CapturePlan(name: "id", request: 1, field: "id")])]
        #expect(throws: PlanError.self) { try bad.validate() }
        bad = good
        bad.units = [UnitPlan(requests: [RequestPlan(method: "PUT", path: "/x", endpoint: "x", body: nil)], captures: nil)]
        #expect(throws: PlanError.self) { try bad.validate() }
        #expect(throws: PlanError.self) { try ServerEndpoint(url: "https://h:1") }
        #expect(throws: PlanError.self) { try ServerEndpoint(url: "http://h:99999") }
    }
}
