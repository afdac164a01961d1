import Foundation

/// A byte-level CSV reader that keeps every field as a slice of the file, per column.
///
/// Large drift inputs have millions of cells: turning each into a `String` before knowing
/// the column's type costs more than the statistics. Fields stay ranges until a column is
/// typed; numbers are then parsed straight from the bytes, and only text columns pay for
/// strings. RFC 4180: quoted fields, doubled quotes, separators and newlines inside quotes.
struct CSVScanner {
    /// Where one field lies in the file, and whether it needs unquoting.
    struct Field {
        var start: Int32
        var length: Int32
        var quoted: Bool
    }

    let bytes: [UInt8]

    /// Splits the file into records of fields.
    func records() -> [[Field]] {
        var records: [[Field]] = []
        var record: [Field] = []
        var index = 0
        let count = bytes.count
        while index < count {
            var quoted = false
            let start: Int
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                start = index
                while index < count {
                    if bytes[index] == UInt8(ascii: "\"") {
                        if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
                let end = index
                index = min(index + 1, count)
                record.append(Field(start: Int32(start), length: Int32(end - start), quoted: true))
                // Skip anything between the closing quote and the separator.
                while index < count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                start = index
                while index < count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "\n") { index += 1 }
                var end = index
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                record.append(Field(start: Int32(start), length: Int32(end - start), quoted: quoted))
            }
            if index < count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                if index == count { record.append(Field(start: Int32(index), length: 0, quoted: false)) }
                continue
            }
            index += 1
            if !(record.count == 1 && record[0].length == 0 && !record[0].quoted) { records.append(record) }
            record = []
        }
        if !record.isEmpty { records.append(record) }
        return records
    }

    /// The field's text, unquoted; nil for an empty unquoted field.
    func text(_ field: Field) -> String? {
        if field.length == 0 && !field.quoted { return nil }
        let slice = bytes[Int(field.start)..<Int(field.start + field.length)]
        let text = String(decoding: slice, as: UTF8.self)
        return field.quoted ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    /// Whether the field is written with a decimal point or an exponent (pandas reads it as a float).
    func hasDecimalSyntax(_ field: Field) -> Bool {
        bytes[Int(field.start)..<Int(field.start + field.length)].contains {
            $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
        }
    }

    /// The field as a number if it is one (the way pandas reads numbers, `inf` included).
    func number(_ field: Field) -> Double? {
        let length = Int(field.length)
        guard length > 0, length < 64 else { return length >= 64 ? text(field).flatMap(DataTable.number) : nil }
        return bytes.withUnsafeBufferPointer { buffer -> Double? in
            var scratch = [CChar](repeating: 0, count: length + 1)
            for offset in 0..<length { scratch[offset] = CChar(bitPattern: buffer[Int(field.start) + offset]) }
            return scratch.withUnsafeBufferPointer { pointer -> Double? in
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(pointer.baseAddress!, &end)
                guard let end, end - UnsafeMutablePointer(mutating: pointer.baseAddress!) == length else {
                    return DataTable.number(String(cString: pointer.baseAddress!))
                }
                // strtod also reads hex and "nan"/"infinity" spellings pandas does not treat as numbers.
                let first = buffer[Int(field.start)]
                if first == UInt8(ascii: "0"), length > 1, buffer[Int(field.start) + 1] | 0x20 == UInt8(ascii: "x") { return nil }
                if value.isNaN { return nil }
                return value
            }
        }
    }
}

extension DataTable {
    /// Types the columns of a scanned CSV file: numerical when every present cell is a number.
    init(scanner: CSVScanner, header: [String], rows: ArraySlice<[CSVScanner.Field]>) {
        rowCount = rows.count
        columns = header.enumerated().map { index, name in
            var numbers: [Double] = []
            numbers.reserveCapacity(rows.count)
            var numeric = true
            var sawValue = false
            var integer = true
            for row in rows {
                guard index < row.count else {
                    numbers.append(.nan)
                    integer = false
                    continue
                }
                let field = row[index]
                if let number = scanner.number(field) {
                    numbers.append(number)
                    sawValue = true
                    if integer, number != number.rounded() || scanner.hasDecimalSyntax(field) {
                        integer = false
                    }
                    continue
                }
                let text = scanner.text(field)
                if text == nil || Self.missingMarkers.contains(text!) {
                    numbers.append(.nan)
                    integer = false
                    continue
                }
                numeric = false
                break
            }
            if numeric && sawValue {
                return Column(name: name, sample: .numerical(numbers), isInteger: integer)
            }
            let cells = rows.map { row -> String? in
                guard index < row.count, let text = scanner.text(row[index]), !Self.missingMarkers.contains(text) else { return nil }
                return text
            }
            return Column(name: name, sample: .categorical(cells), isInteger: false)
        }
    }
}
