import Foundation
import KeelCore

extension DataTable {
    /// Reads a CSV file (RFC 4180: quoted fields, doubled quotes, newlines inside quotes)
    /// or, for `.jsonl`/`.ndjson`, JSON Lines with one object per line.
    public static func read(path: String) throws -> DataTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeelError.invalidParameter("Cannot read '\(path)': no such file, or it is not readable.")
        }
        if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") {
            return try jsonLines(String(decoding: data, as: UTF8.self), path: path)
        }
        return try csv(bytes: [UInt8](data), path: path)
    }

    /// Parses CSV bytes whose first record is the header.
    static func csv(bytes: [UInt8], path: String) throws -> DataTable {
        let scanner = CSVScanner(bytes: bytes)
        let records = scanner.records()
        guard let first = records.first else { throw KeelError.invalidParameter("'\(path)' is empty: a header row is needed.") }
        let header = first.map { scanner.text($0) ?? "" }
        guard Set(header).count == header.count else {
            throw KeelError.invalidParameter("'\(path)' repeats a column name in its header.")
        }
        return DataTable(scanner: scanner, header: header, rows: records.dropFirst())
    }

    /// Parses JSON Lines: the columns are the keys seen, in first-seen order.
    static func jsonLines(_ text: String, path: String) throws -> DataTable {
        var header: [String] = []
        var objects: [[String: JSONCell]] = []
        let decoder = JSONDecoder()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let object = try? decoder.decode([String: JSONCell].self, from: Data(line.utf8)) else {
                throw KeelError.invalidParameter("'\(path)' line \(number + 1) is not a JSON object of plain values.")
            }
            for key in object.keys.sorted() where !header.contains(key) { header.append(key) }
            objects.append(object)
        }
        let rows = objects.map { object in header.map { object[$0]?.text } }
        return DataTable(header: header, rows: rows)
    }

    /// One JSON value in a JSON Lines row, as the text a CSV cell would hold.
    enum JSONCell: Decodable {
        case value(String)
        case missing

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .missing
            } else if let flag = try? container.decode(Bool.self) {
                self = .value(flag ? "True" : "False")
            } else if let number = try? container.decode(Double.self) {
                self = .value(number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number))
            } else {
                self = .value(try container.decode(String.self))
            }
        }

        var text: String? {
            if case .value(let text) = self { return text }
            return nil
        }
    }
}

extension DataTable {
    /// Parses bytes in `format` (`csv` or `jsonl`); `name` says what they are in error messages.
    public static func parse(_ bytes: [UInt8], format: String, name: String) throws -> DataTable {
        switch format {
        case "csv": return try csv(bytes: bytes, path: name)
        case "jsonl": return try jsonLines(String(decoding: bytes, as: UTF8.self), path: name)
        default: throw KeelError.invalidParameter("Unknown data format '\(format)': use csv or jsonl.")
        }
    }
}
