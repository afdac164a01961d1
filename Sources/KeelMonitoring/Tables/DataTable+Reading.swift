import Foundation
import KeelCore

extension DataTable {
    /// Reads a CSV file (RFC 4180: quoted fields, doubled quotes, newlines inside quotes)
    /// or, for `.jsonl`/`.ndjson`, JSON Lines with one object per line.
    public static func read(path: String) throws -> DataTable {
        if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KeelError.invalidParameter("Cannot read '\(path)': no such file, or it is not readable.")
            }
            return try jsonLines(String(decoding: data, as: UTF8.self), path: path)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw KeelError.invalidParameter("Cannot read '\(path)': no such file, or it is not readable.")
        }
        return try ColumnarCSVReader(source: .file(path), name: path).read()
    }

    /// Parses CSV bytes whose first record is the header.
    static func csv(bytes: [UInt8], path: String) throws -> DataTable {
        try ColumnarCSVReader(source: .bytes(bytes), name: path).read()
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
            for key in Self.keysInOrder(line) where object[key] != nil && !header.contains(key) { header.append(key) }
            for key in object.keys.sorted() where !header.contains(key) { header.append(key) }
            objects.append(object)
        }
        let rows = objects.map { object in header.map { object[$0]?.text } }
        return DataTable(header: header, rows: rows)
    }

    /// The keys of a one-line JSON object in the order written, as pandas' `read_json` keeps
    /// them (decoded dictionaries forget the order).
    static func keysInOrder(_ line: Substring) -> [String] {
        var keys: [String] = []
        var depth = 0
        var index = line.utf8.startIndex
        let bytes = line.utf8
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let start = bytes.index(after: index)
                var end = start
                while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\"") {
                    end = bytes[end] == UInt8(ascii: "\\") ? bytes.index(end, offsetBy: 2, limitedBy: bytes.endIndex) ?? bytes.endIndex : bytes.index(after: end)
                }
                if depth == 1 {
                    var next = end < bytes.endIndex ? bytes.index(after: end) : end
                    while next < bytes.endIndex, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next = bytes.index(after: next) }
                    if next < bytes.endIndex, bytes[next] == UInt8(ascii: ":"),
                        let key = try? JSONDecoder().decode(String.self, from: Data(line.utf8[index...min(end, bytes.index(before: bytes.endIndex))]))
                    {
                        keys.append(key)
                    }
                }
                index = end < bytes.endIndex ? bytes.index(after: end) : end
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
            index = bytes.index(after: index)
        }
        return keys
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
