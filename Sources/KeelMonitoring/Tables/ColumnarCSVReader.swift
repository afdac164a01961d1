import Foundation
import KeelCore

/// Reads CSV straight into typed columns, in chunks, never holding the whole file.
///
/// Each record's fields are located in a reused scratch list and then handed to one builder per
/// column: numbers are parsed from the bytes as they stream by ( ``DecimalParser`` ), so a
/// numeric column costs 8 bytes a row and no strings. A column that turns out to hold text is
/// read again in a second pass for just those columns — rare in practice, and it keeps the
/// first pass free of per-cell strings. Typing follows pandas' `read_csv` as ``DataTable``
/// documents; RFC 4180 quoting (doubled quotes, separators and newlines inside quotes).
struct ColumnarCSVReader {
    /// Where the bytes come from: a file read in chunks, or bytes already in memory.
    enum Source {
        case file(String)
        case bytes([UInt8])
    }

    let source: Source
    /// What errors call the data.
    let name: String
    /// Bytes read per chunk from a file.
    var chunkSize = 8 << 20

    /// Reads and types every column.
    func read() throws -> DataTable {
        var header: [String]?
        var builders: [ColumnBuilder] = []
        var rows = 0
        try scan { fields, chunk in
            guard let names = header else {
                let names = fields.map { Self.text($0, in: chunk) ?? "" }
                guard Set(names).count == names.count else { throw KeelError.invalidParameter("'\(name)' repeats a column name in its header.") }
                header = names
                builders = names.map { _ in ColumnBuilder() }
                return
            }
            guard fields.count <= names.count else {
                throw KeelError.invalidParameter("'\(name)' line \(rows + 2) has \(fields.count) fields; the header has \(names.count).")
            }
            for index in 0..<names.count {
                if index < fields.count {
                    builders[index].add(fields[index], in: chunk)
                } else {
                    builders[index].addMissing()
                }
            }
            rows += 1
        }
        guard let header else { throw KeelError.invalidParameter("'\(name)' is empty: a header row is needed.") }
        let textColumns = builders.indices.filter { builders[$0].needsText }
        var texts: [Int: [String?]] = [:]
        if !textColumns.isEmpty {
            for column in textColumns { texts[column] = []; texts[column]!.reserveCapacity(rows) }
            var first = true
            try scan { fields, chunk in
                if first {
                    first = false
                    return
                }
                for column in textColumns {
                    let cell = column < fields.count ? Self.text(fields[column], in: chunk) : nil
                    texts[column]!.append(cell.flatMap { DataTable.missingMarkers.contains($0) ? nil : $0 })
                }
            }
        }
        let columns = header.enumerated().map { index, columnName -> DataTable.Column in
            if let cells = texts[index] {
                return DataTable.Column(name: columnName, sample: .categorical(cells), isInteger: false)
            }
            let builder = builders[index]
            guard builder.sawValue else {
                // No value at all: pandas reads an all-missing column as float NaN; Keel keeps
                // it as an empty categorical column, as the row-wise reader did.
                return DataTable.Column(name: columnName, sample: .categorical(Array(repeating: nil, count: rows)), isInteger: false)
            }
            return DataTable.Column(name: columnName, sample: .numerical(builder.numbers), isInteger: builder.integer)
        }
        return DataTable(columns: columns, rowCount: rows)
    }

    /// One field of the current record: its bytes in the chunk and whether it was quoted.
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        /// Quoted with doubled quotes inside, which the text must undo.
        var escaped: Bool
    }

    /// Calls `record` for every record with its fields, chunk by chunk.
    func scan(_ record: (_ fields: [Field], _ chunk: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var fields: [Field] = []
        fields.reserveCapacity(64)
        switch source {
        case .bytes(let bytes):
            try bytes.withUnsafeBufferPointer { buffer in
                let consumed = try Self.records(in: buffer, final: true, fields: &fields, name: name, record)
                precondition(consumed == buffer.count)
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw KeelError.invalidParameter("Cannot read '\(path)': no such file, or it is not readable.")
            }
            defer { try? handle.close() }
            var carry: [UInt8] = []
            while true {
                let data = try handle.read(upToCount: chunkSize) ?? Data()
                let final = data.isEmpty
                carry.append(contentsOf: data)
                let consumed = try carry.withUnsafeBufferPointer { buffer in
                    try Self.records(in: buffer, final: final, fields: &fields, name: name, record)
                }
                if final { break }
                carry.removeFirst(consumed)
            }
        }
    }

    /// Parses the complete records in `buffer` (all of it when `final`); returns the bytes used.
    static func records(
        in buffer: UnsafeBufferPointer<UInt8>, final: Bool, fields: inout [Field], name: String,
        _ record: (_ fields: [Field], _ chunk: UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let count = buffer.count
        var index = 0
        var recordStart = 0
        fields.removeAll(keepingCapacity: true)
        while index < count {
            var field: Field
            if buffer[index] == quote {
                var cursor = index + 1
                var escaped = false
                var closed = false
                while cursor < count {
                    if buffer[cursor] == quote {
                        if cursor + 1 < count, buffer[cursor + 1] == quote {
                            escaped = true
                            cursor += 2
                            continue
                        }
                        if cursor + 1 == count && !final { break }
                        closed = true
                        break
                    }
                    cursor += 1
                }
                guard closed else {
                    if final { throw KeelError.invalidParameter("'\(name)' has a quoted field that is never closed.") }
                    return recordStart
                }
                field = Field(start: index + 1, end: cursor, quoted: true, escaped: escaped)
                index = cursor + 1
                // Anything between the closing quote and the separator is dropped.
                while index < count, buffer[index] != comma, buffer[index] != newline { index += 1 }
            } else {
                var cursor = index
                while cursor < count, buffer[cursor] != comma, buffer[cursor] != newline { cursor += 1 }
                var end = cursor
                if end > index, buffer[end - 1] == carriageReturn { end -= 1 }
                field = Field(start: index, end: end, quoted: false, escaped: false)
                index = cursor
            }
            if index == count && !final { return recordStart }
            fields.append(field)
            if index < count, buffer[index] == comma {
                index += 1
                if index == count {
                    guard final else { return recordStart }
                    fields.append(Field(start: index, end: index, quoted: false, escaped: false))
                } else {
                    continue
                }
            } else {
                index += 1
            }
            if !(fields.count == 1 && fields[0].start == fields[0].end && !fields[0].quoted) {
                try record(fields, buffer)
            }
            fields.removeAll(keepingCapacity: true)
            recordStart = min(index, count)
        }
        return count
    }

    /// A field's text, unquoted; nil for an empty unquoted field.
    static func text(_ field: Field, in chunk: UnsafeBufferPointer<UInt8>) -> String? {
        if field.start == field.end && !field.quoted { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: chunk[field.start..<field.end]), as: UTF8.self)
        return field.escaped ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }
}

/// Collects one column while the file streams by: numbers until a cell is text.
struct ColumnBuilder {
    var numbers: [Double] = []
    var sawValue = false
    var integer = true
    /// A cell was neither a number nor missing: the column is text and needs a second pass.
    var needsText = false

    mutating func add(_ field: ColumnarCSVReader.Field, in chunk: UnsafeBufferPointer<UInt8>) {
        guard !needsText else { return }
        let bytes = UnsafeBufferPointer(rebasing: chunk[field.start..<field.end])
        if field.escaped {
            // A doubled quote inside a quoted field is never a number.
            markText(field, in: chunk)
            return
        }
        switch DecimalParser.parse(bytes) {
        case .number(let value, let decimal):
            numbers.append(value)
            sawValue = true
            if integer, decimal || value != value.rounded() { integer = false }
        case .other:
            markText(field, in: chunk)
        }
    }

    mutating func addMissing() {
        guard !needsText else { return }
        numbers.append(.nan)
        integer = false
    }

    private mutating func markText(_ field: ColumnarCSVReader.Field, in chunk: UnsafeBufferPointer<UInt8>) {
        guard let text = ColumnarCSVReader.text(field, in: chunk), !DataTable.missingMarkers.contains(text) else {
            addMissing()
            return
        }
        needsText = true
        numbers = []
    }
}
