import Foundation

/// Reads a number from CSV bytes the way pandas' `read_csv` does, without making a `String`.
///
/// Most cells are short decimals (`-12.345`, `3e-2`): those take Clinger's fast path — an
/// integer mantissa below 2^53 scaled by an exact power of ten is correctly rounded by one
/// IEEE multiplication or division — and everything else (long mantissas, large exponents,
/// `inf`, surrounding spaces) goes to `strtod` or pandas' spellings, as before.
enum DecimalParser {
    /// The exact power of ten 10^`exponent`, 0 ≤ `exponent` ≤ 22 (a switch, not a table, so
    /// the hot loop reads no lazily initialised global).
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The outcome for one cell.
    enum Cell {
        /// A number; `decimal` when written with a point or exponent (pandas reads a float).
        case number(Double, decimal: Bool)
        /// Not a number (text, or a missing marker).
        case other
    }

    /// Parses `bytes`.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Cell {
        let count = bytes.count
        guard count > 0 else { return .other }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        var sawDigit = false
        var decimal = false
        while index < count, bytes[index] &- UInt8(ascii: "0") < 10 {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
            } else {
                return slow(bytes)
            }
            sawDigit = true
            index += 1
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            decimal = true
            index += 1
            while index < count, bytes[index] &- UInt8(ascii: "0") < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0"))
                    if mantissa != 0 { digits += 1 }
                    scale -= 1
                } else {
                    return slow(bytes)
                }
                sawDigit = true
                index += 1
            }
        }
        guard sawDigit else { return slow(bytes) }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            decimal = true
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while index < count, bytes[index] &- UInt8(ascii: "0") < 10, exponent < 10_000 {
                exponent = exponent * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return slow(bytes) }
            scale += exponentNegative ? -exponent : exponent
        }
        guard index == count else { return slow(bytes) }
        guard mantissa < (1 << 53), abs(scale) <= 22 else { return slow(bytes) }
        var value = Double(mantissa)
        value = scale < 0 ? value / powerOfTen(-scale) : value * powerOfTen(scale)
        return .number(negative ? -value : value, decimal: decimal)
    }

    /// `strtod` on a NUL-terminated copy, with pandas' rules on top (no hex, no `nan`).
    static func slow(_ bytes: UnsafeBufferPointer<UInt8>) -> Cell {
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.count < 64 else { return DataTable.number(text).map { .number($0, decimal: true) } ?? .other }
        let parsed: Double? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { scratch in
            for offset in 0..<bytes.count { scratch[offset] = CChar(bitPattern: bytes[offset]) }
            scratch[bytes.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(scratch.baseAddress!, &end)
            guard let end, end - scratch.baseAddress! == bytes.count else { return DataTable.number(text) }
            if bytes[0] == UInt8(ascii: "0"), bytes.count > 1, bytes[1] | 0x20 == UInt8(ascii: "x") { return nil }
            if value.isNaN { return nil }
            return value
        }
        guard let parsed else { return .other }
        let decimal = bytes.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") } || !parsed.isFinite
        return .number(parsed, decimal: decimal)
    }
}
