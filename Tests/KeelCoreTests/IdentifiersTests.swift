import KeelCore
import Testing

/// Run ids: MLflow's 32-hex shape, time-ordered so new runs append to the run-keyed indexes.
@Suite("Identifiers")
struct IdentifiersTests {
    @Test("time-ordered ids are UUIDv7s in 32 lowercase hex digits")
    func shape() {
        let id = Identifiers.newTimeOrderedHexID()
        #expect(id.count == 32)
        #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let characters = Array(id)
        #expect(characters[12] == "7")  // the version
        #expect("89ab".contains(characters[16]))  // RFC 9562's variant
    }

    @Test("a later millisecond sorts later; ids of one millisecond still differ")
    func ordering() {
        let earlier = Identifiers.newTimeOrderedHexID(milliseconds: 1_700_000_000_000)
        let later = Identifiers.newTimeOrderedHexID(milliseconds: 1_700_000_000_001)
        #expect(earlier < later)
        #expect(earlier.hasPrefix("018bcfe56800"))  // 1,700,000,000,000 ms in 48 bits of hex
        let sameMillisecond = Set((0..<1000).map { _ in Identifiers.newTimeOrderedHexID(milliseconds: 42) })
        #expect(sameMillisecond.count == 1000)
    }
}
