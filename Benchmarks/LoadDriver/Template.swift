/// A request body with `{{placeholders}}`, split once so that rendering it is copying bytes.
///
/// Placeholders: `{{connection}}` (the connection's index), `{{unit}}` (the connection's unit
/// counter, six digits, zero-padded), `{{now_ms}}` (wall-clock milliseconds since the epoch)
/// and the name of any capture of the unit, e.g. `{{run_id}}`.
struct Template: Equatable {
    /// A piece of the body.
    enum Part: Equatable {
        case literal([UInt8])
        case connection
        case unit
        case nowMilliseconds
        /// The capture at this index of the unit's captures.
        case capture(Int)
    }

    /// The pieces, in order.
    let parts: [Part]

    /// Splits `text`; an unknown placeholder is an error, not text sent to a server.
    init(_ text: String, captureNames: [String]) throws {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(Array(rest[..<open.lowerBound].utf8))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw PlanError(description: "unclosed placeholder in \(text.prefix(80))")
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            switch name {
            case "connection": parts.append(.connection)
            case "unit": parts.append(.unit)
            case "now_ms": parts.append(.nowMilliseconds)
            default:
                guard let index = captureNames.firstIndex(of: name) else {
                    throw PlanError(description: "unknown placeholder {{\(name)}}")
                }
                parts.append(.capture(index))
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(Array(rest.utf8))) }
        self.parts = parts
    }

    /// Appends the rendered body to `buffer`.
    func render(into buffer: inout [UInt8], connection: Int, unit: Int, nowMilliseconds: Int64, captures: [[UInt8]]) {
        for part in parts {
            switch part {
            case .literal(let bytes): buffer.append(contentsOf: bytes)
            case .connection: buffer.append(contentsOf: String(connection).utf8)
            case .unit: buffer.append(contentsOf: Self.zeroPadded(unit, width: 6))
            case .nowMilliseconds: buffer.append(contentsOf: String(nowMilliseconds).utf8)
            case .capture(let index): buffer.append(contentsOf: captures[index])
            }
        }
    }

    /// `value` in decimal, left-padded with zeros to `width` digits (Python's `f"{value:06d}"`).
    static func zeroPadded(_ value: Int, width: Int) -> [UInt8] {
        let digits = Array(String(value).utf8)
        return Array(repeating: UInt8(ascii: "0"), count: max(0, width - digits.count)) + digits
    }
}
