import Foundation

/// A forward-only reader of JSON text, for the few request bodies hot enough that Foundation's
/// `JSONDecoder` shows in a profile (`runs/log-batch` carries a thousand metrics).
///
/// It reads only the plain spellings: strings, integers where an integer is expected, numbers
/// or `"NaN"`/`"Infinity"` where a double is. Anything else — malformed JSON, a number where a
/// string belongs, an integer written as `1e3`, a duplicated field — throws ``Unsupported``, and
/// the caller decodes the body again the general way, which accepts every spelling MLflow's
/// clients send and words the error for what it rejects. The scanner therefore never has to
/// produce an error message, only to agree with `JSONDecoder` on what it does accept.
struct JSONScanner: ~Copyable {
    /// This body needs the general decoder.
    struct Unsupported: Error {}

    /// How deep a skipped value may nest; deeper bodies go to the general decoder, which has its own limit.
    private static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: Structure

    /// Reads `{`; returns false when the object is empty (its `}` read too).
    mutating func openObject() throws(Unsupported) -> Bool {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return false
        }
        return true
    }

    /// Reads a member's name and the `:` after it.
    mutating func memberName() throws(Unsupported) -> String {
        skipWhitespace()
        let name = try string()
        skipWhitespace()
        try expect(UInt8(ascii: ":"))
        return name
    }

    /// After a member: true when a `,` announces another, false at the closing `}`.
    mutating func nextMember() throws(Unsupported) -> Bool {
        try next(closing: UInt8(ascii: "}"))
    }

    /// Reads `[`; returns false when the array is empty (its `]` read too).
    mutating func openArray() throws(Unsupported) -> Bool {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return false
        }
        return true
    }

    /// After an element: true when a `,` announces another, false at the closing `]`.
    mutating func nextElement() throws(Unsupported) -> Bool {
        try next(closing: UInt8(ascii: "]"))
    }

    /// Reads `null` if that is the next value.
    mutating func null() -> Bool {
        skipWhitespace()
        guard matches("null") else { return false }
        index += 4
        return true
    }

    /// Checks that nothing but whitespace follows the top-level value.
    mutating func end() throws(Unsupported) {
        skipWhitespace()
        guard index == bytes.count else { throw Unsupported() }
    }

    // MARK: Values

    /// Reads a string value.
    mutating func string() throws(Unsupported) -> String {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        let start = index
        var allBits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = allBits < 0x80 ? ascii(start..<index) : try validated(start..<index)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw Unsupported() }
            allBits |= byte
            index += 1
        }
        throw Unsupported()
    }

    /// Reads a string or `null`.
    mutating func optionalString() throws(Unsupported) -> String? {
        try null() ? nil : string()
    }

    /// Reads an integer written without fraction or exponent that fits in 64 bits.
    mutating func int64() throws(Unsupported) -> Int64 {
        skipWhitespace()
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var magnitude: UInt64 = 0
        while let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw Unsupported() }
            magnitude = sum
            index += 1
        }
        let count = index - start
        // JSON allows no leading zeros; a fraction or exponent is left to the general decoder.
        guard count > 0, count == 1 || bytes[start] != UInt8(ascii: "0") else { throw Unsupported() }
        if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw Unsupported()
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Unsupported() }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Unsupported() }
        return Int64(magnitude)
    }

    /// Reads a finite JSON number, or one of protobuf-JSON's strings for the values JSON lacks.
    mutating func double() throws(Unsupported) -> Double {
        skipWhitespace()
        if peek() == UInt8(ascii: "\"") {
            switch try string() {
            case "NaN": return .nan
            case "Infinity", "inf": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default: throw Unsupported()
            }
        }
        let start = index
        try skipNumber()
        return try parsedDouble(start..<index)
    }

    /// Skips any one value, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws(Unsupported) {
        guard depth < Self.maximumDepth else { throw Unsupported() }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"):
            guard try openObject() else { return }
            repeat {
                _ = try memberName()
                try skipValue(depth: depth + 1)
            } while try nextMember()
        case UInt8(ascii: "["):
            guard try openArray() else { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while try nextElement()
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"):
            try literal("true")
        case UInt8(ascii: "f"):
            try literal("false")
        case UInt8(ascii: "n"):
            try literal("null")
        default:
            let start = index
            try skipNumber()
            _ = try parsedDouble(start..<index)
        }
    }

    // MARK: Bytes

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Unsupported) {
        skipWhitespace()
        guard peek() == byte else { throw Unsupported() }
        index += 1
    }

    private mutating func next(closing: UInt8) throws(Unsupported) -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","):
            index += 1
            return true
        case closing:
            index += 1
            return false
        default:
            throw Unsupported()
        }
    }

    private func matches(_ word: StaticString) -> Bool {
        guard bytes.count - index >= word.utf8CodeUnitCount else { return false }
        for offset in 0..<word.utf8CodeUnitCount where bytes[index + offset] != word.utf8Start[offset] {
            return false
        }
        return true
    }

    private mutating func literal(_ word: StaticString) throws(Unsupported) {
        guard matches(word) else { throw Unsupported() }
        index += word.utf8CodeUnitCount
    }

    /// Moves past a number in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() throws(Unsupported) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = skipDigits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw Unsupported() }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw Unsupported() }
        }
        if let marker = peek(), marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw Unsupported() }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    /// The value of a number already checked against JSON's grammar; out-of-range values are
    /// left to the general decoder.
    private func parsedDouble(_ range: Range<Int>) throws(Unsupported) -> Double {
        guard range.count < 64 else { throw Unsupported() }
        // strtod wants a terminated string; JSON's grammar is a subset of what it reads, and the
        // process never changes its C locale, so `.` is the decimal point.
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            for (offset, position) in range.enumerated() { buffer[offset] = CChar(bitPattern: bytes[position]) }
            buffer[range.count] = 0
            errno = 0
            let parsed = strtod(buffer.baseAddress!, nil)
            // ERANGE also flags subnormal results, which are exact; only overflow and underflow
            // to zero are left to the general decoder.
            return parsed.isFinite && (errno == 0 || parsed != 0) ? parsed : nil
        }
        guard let value else { throw Unsupported() }
        return value
    }

    /// The text of a string of ASCII bytes only: valid UTF-8 as it stands.
    ///
    /// Most names and values are ASCII. `String(validating:as:)` is generic and, unspecialized
    /// here, looks up type metadata on every call: about 3% of the server's CPU under
    /// ingest. Bytes already known to be ASCII need no validation at all.
    private func ascii(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The text of a string without escapes, which must be valid UTF-8.
    private func validated(_ range: Range<Int>) throws(Unsupported) -> String {
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw Unsupported()
        }
        return text
    }

    /// Finishes a string that contains escapes; `index` is at its first backslash.
    private mutating func escapedString(from start: Int) throws(Unsupported) -> String {
        var text = try validated(start..<index)
        var plainStart = index
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                text += try validated(plainStart..<index)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                text += try validated(plainStart..<index)
                index += 1
                text.unicodeScalars.append(try escape())
                plainStart = index
            case ..<0x20:
                throw Unsupported()
            default:
                index += 1
            }
        }
        throw Unsupported()
    }

    /// The character an escape stands for; `index` is just past its backslash.
    private mutating func escape() throws(Unsupported) -> Unicode.Scalar {
        guard let byte = peek() else { throw Unsupported() }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            if UTF16.isLeadSurrogate(unit) {
                guard matches("\\u") else { throw Unsupported() }
                index += 2
                let trail = try hexUnit()
                guard UTF16.isTrailSurrogate(trail) else { throw Unsupported() }
                let value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(trail - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw Unsupported() }
                return scalar
            }
            guard let scalar = Unicode.Scalar(unit) else { throw Unsupported() }  // a lone trail surrogate
            return scalar
        default:
            throw Unsupported()
        }
    }

    /// Four hex digits of a `\u` escape.
    private mutating func hexUnit() throws(Unsupported) -> UInt16 {
        guard bytes.count - index >= 4 else { throw Unsupported() }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unsupported()
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }
}
