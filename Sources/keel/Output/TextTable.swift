import Foundation
import KeelCore

/// Renders rows as an aligned plain-text table for terminals.
struct TextTable {
    let headers: [String]
    var rows: [[String]] = []

    /// The table as lines of text, columns padded to their widest cell.
    func render() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            headers.indices.map { column in
                let cell = column < cells.count ? cells[column] : ""
                return column == headers.count - 1 ? cell : cell.padding(to: widths[column])
            }.joined(separator: "  ")
        }
        let separator = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), separator] + rows.map(line)).joined(separator: "\n")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// Formats epoch milliseconds for people (UTC, to the second).
enum TimeFormat {
    static func millis(_ value: Any?) -> String {
        guard let millis = JSONValue.int64(value) else { return "-" }
        let seconds = millis / 1000
        let days = seconds / 86_400
        let (year, month, day) = CivilDate.date(daysSinceEpoch: days)
        let time = seconds % 86_400
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, time / 3600, time % 3600 / 60, time % 60)
    }
}

/// Reading loosely-typed JSON from `JSONSerialization`.
enum JSONValue {
    /// An integer from a JSON number or numeric string.
    static func int64(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    /// A value shown in a table cell.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil: "-"
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: "\(value!)"
        }
    }
}
