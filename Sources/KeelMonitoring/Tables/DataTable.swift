import Foundation
import KeelCore

/// A table read from CSV or JSON Lines: named columns, typed the way pandas would type them.
public struct DataTable: Sendable {
    /// A column and what pandas would make of it.
    public struct Column: Sendable {
        /// The header.
        public var name: String
        /// The values.
        public var sample: ColumnSample
        /// Every value a whole number and none missing (pandas' `int64`).
        public var isInteger: Bool
    }

    /// The columns, in file order.
    public var columns: [Column]
    /// Data rows read.
    public var rowCount: Int

    /// A table of these columns.
    public init(columns: [Column], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The column called `name`, if any.
    public func column(_ name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// Cells pandas' `read_csv` reads as missing by default.
    static let missingMarkers: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
        "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// Types raw cells: numerical when every present cell is a number, otherwise categorical.
    init(header: [String], rows: [[String?]]) {
        rowCount = rows.count
        columns = header.enumerated().map { index, name in
            let cells = rows.map { index < $0.count ? $0[index] : nil }.map { cell -> String? in
                guard let cell, !Self.missingMarkers.contains(cell) else { return nil }
                return cell
            }
            let numbers = cells.map { $0.flatMap(Self.number) }
            let numeric = zip(cells, numbers).allSatisfy { $0 == nil || $1 != nil } && cells.contains { $0 != nil }
            if numeric {
                let integer = cells.allSatisfy { $0.map { Int64($0) != nil } ?? false }
                return Column(name: name, sample: .numerical(numbers.map { $0 ?? .nan }), isInteger: integer)
            }
            return Column(name: name, sample: .categorical(Categories(cells)), isInteger: false)
        }
    }

    /// A number as pandas reads one (including `inf`, `-inf`).
    static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(trimmed)
        }
    }
}
