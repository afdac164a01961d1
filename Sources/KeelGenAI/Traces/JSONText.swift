import Foundation

/// Builds JSON text for the fixed shapes of trace infos and spans, which are rendered once and
/// stored: Foundation's JSONSerialization spent most of an export's time bridging dictionaries.
struct JSONText {
    var text = ""
    private var needsComma = false

    mutating func open(_ bracket: String) {
        separate()
        text += bracket
        needsComma = false
    }

    mutating func close(_ bracket: String) {
        text += bracket
        needsComma = true
    }

    mutating func key(_ name: String) {
        separate()
        escaped(name)
        text += ":"
        needsComma = false
    }

    mutating func member(_ name: String, _ value: String) {
        key(name)
        escaped(value)
        needsComma = true
    }

    mutating func raw(_ json: String) {
        separate()
        text += json
        needsComma = true
    }

    /// A string value in an array.
    mutating func string(_ value: String) {
        separate()
        escaped(value)
        needsComma = true
    }

    /// A number value written as it reads (`String(describing:)` of an integer).
    mutating func integer(_ name: String, _ value: some BinaryInteger) {
        key(name)
        text += String(value)
        needsComma = true
    }

    mutating func map(_ values: [String: String]) {
        open("{")
        for (key, value) in values { member(key, value) }
        close("}")
    }

    private mutating func separate() {
        if needsComma { text += "," }
    }

    private mutating func escaped(_ value: String) {
        text += "\""
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
