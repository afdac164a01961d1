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
        /// The bytes of a file from `start` up to `end`.
        case fileRange(String, start: UInt64, end: UInt64)
        case bytes([UInt8])
    }

    let source: Source
    /// What errors call the data.
    let name: String
    /// Bytes read per chunk from a file.
    var chunkSize = 8 << 20

    /// Reads and types every column; a large file on several cores when it can.
    func read() throws -> DataTable {
        if case .file(let path) = source, let table = ColumnarCSVReader.readInParallel(path: path, name: name) {
            return table
        }
        let (header, builders, rows) = try parse(header: nil)
        return try finish(header: header, builders: builders, rows: rows)
    }

    /// Reads the records into column builders; the first record is the header unless given.
    func parse(header given: [String]?) throws -> (header: [String], builders: [ColumnBuilder], rows: Int) {
        var header = given
        var builders: [ColumnBuilder] = given.map { $0.map { _ in ColumnBuilder() } } ?? []
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
            builders.withUnsafeMutableBufferPointer { builders in
                for index in 0..<builders.count {
                    if index < fields.count {
                        builders[index].add(fields[index], in: chunk, row: rows)
                    } else {
                        builders[index].addMissing()
                    }
                }
            }
            rows += 1
            // Once the first rows show how long a row is, size the columns for the whole input:
            // growing by doubling would copy each column several times and fault in twice the pages.
            if rows == 4096, let total = expectedBytes, let offset = fields.first?.start, offset > 0 {
                let estimate = Int(Double(total) / Double(offset) * Double(rows) * 1.02) + 1024
                for index in builders.indices { builders[index].expectedRows = estimate }
                for index in builders.indices {
                    if builders[index].texts == nil {
                        builders[index].numbers.reserveCapacity(estimate)
                    } else {
                        builders[index].texts!.codes.reserveCapacity(estimate)
                    }
                }
            }
        }
        guard let header else { throw KeelError.invalidParameter("'\(name)' is empty: a header row is needed.") }
        return (header, builders, rows)
    }

    /// The size of the input, when known up front.
    var expectedBytes: Int? {
        switch source {
        case .bytes(let bytes): bytes.count
        case .fileRange(_, let start, let end): Int(end - start)
        case .file(let path): (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        }
    }

    /// Recovers the text of columns that turned out to be text, and makes the table.
    func finish(header: [String], builders: [ColumnBuilder], rows: Int) throws -> DataTable {
        var builders = builders
        // Text columns that held numbers before their first text cell need those rows' text again.
        let rereads = builders.indices.filter { builders[$0].texts != nil && builders[$0].numbersBeforeText }
        if let through = rereads.map({ builders[$0].textFromRow }).max() {
            var earlier: [Int: [String?]] = Dictionary(uniqueKeysWithValues: rereads.map { ($0, []) })
            var row = -1
            do {
                try scan { fields, chunk in
                    defer { row += 1 }
                    guard row >= 0 else { return }
                    guard row < through else { throw StopScanning() }
                    for column in rereads where row < builders[column].textFromRow {
                        earlier[column]!.append(column < fields.count ? Self.cellText(fields[column], in: chunk) : nil)
                    }
                }
            } catch is StopScanning {}
            for (column, cells) in earlier { builders[column].texts!.prepend(cells) }
        }
        var columns: [DataTable.Column] = []
        for (index, columnName) in header.enumerated() {
            // Take each column's storage out of its builder, so no column is held twice.
            var builder = ColumnBuilder()
            swap(&builder, &builders[index])
            if var texts = builder.texts {
                builder.texts = nil
                if !builder.numbersBeforeText, builder.textFromRow > 0 {
                    texts.codes.insert(contentsOf: repeatElement(0, count: builder.textFromRow), at: 0)
                }
                columns.append(DataTable.Column(name: columnName, sample: .categorical(texts.categories), isInteger: false))
            } else if !builder.sawValue {
                // No value at all: kept as an empty text column, as the row-wise reader did.
                columns.append(DataTable.Column(name: columnName, sample: .categorical(.missing(count: rows)), isInteger: false))
            } else {
                columns.append(DataTable.Column(name: columnName, sample: .numerical(builder.numbers), isInteger: builder.integer))
            }
        }
        return DataTable(columns: columns, rowCount: rows)
    }

    private struct StopScanning: Error {}

    /// A cell's text with pandas' missing markers read as missing.
    static func cellText(_ field: Field, in chunk: UnsafeBufferPointer<UInt8>) -> String? {
        if field.start == field.end && !field.quoted { return nil }
        if !field.quoted, isMissingMarker(UnsafeBufferPointer(rebasing: chunk[field.start..<field.end])) { return nil }
        let text = text(field, in: chunk)
        return field.quoted && text.map(DataTable.missingMarkers.contains) == true ? nil : text
    }

    /// Whether the bytes spell one of pandas' missing markers, hashing only the few candidates.
    @inline(__always)
    static func isMissingMarker(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return true }
        guard bytes.count <= 9 else { return false }
        switch first {
        case UInt8(ascii: "#"), UInt8(ascii: "-"), UInt8(ascii: "1"), UInt8(ascii: "<"), UInt8(ascii: "N"), UInt8(ascii: "n"):
            return DataTable.missingMarkers.contains(String(decoding: bytes, as: UTF8.self))
        default:
            return false
        }
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
        case .file, .fileRange:
            let (path, start, end): (String, UInt64, UInt64?) = switch source {
            case .fileRange(let path, let start, let end): (path, start, end)
            case .file(let path): (path, 0, nil)
            case .bytes: ("", 0, nil)
            }
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw KeelError.invalidParameter("Cannot read '\(path)': no such file, or it is not readable.")
            }
            defer { close(descriptor) }
            // One buffer for the whole file: fresh chunk allocations would each fault in new pages.
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            var filled = 0
            var position = start
            while true {
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
                let want = end.map { min(buffer.count - filled, Int($0 - position)) } ?? (buffer.count - filled)
                let got = want > 0 ? buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, want, off_t(position)) } : 0
                guard got >= 0 else { throw KeelError.invalidParameter("Cannot read '\(path)': \(String(cString: strerror(errno))).") }
                position += UInt64(got)
                filled += got
                let final = got == 0
                let consumed = try buffer.withUnsafeBufferPointer { whole in
                    try Self.records(in: UnsafeBufferPointer(rebasing: whole[0..<filled]), final: final, fields: &fields, name: name, record)
                }
                if final { break }
                if consumed > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                    }
                    filled -= consumed
                }
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

/// Collects one column while the file streams by: numbers until a cell is text, then text.
struct ColumnBuilder {
    var numbers: [Double] = []
    var sawValue = false
    var integer = true
    /// Cells from ``textFromRow`` on, once the column turned out to hold text.
    var texts: TextColumn?
    /// The first row read as text.
    var textFromRow = 0
    /// Numbers came before the first text cell: their text must be read again.
    var numbersBeforeText = false
    /// Rows the whole input probably holds (0 until estimated).
    var expectedRows = 0

    @inline(__always)
    mutating func add(_ field: ColumnarCSVReader.Field, in chunk: UnsafeBufferPointer<UInt8>, row: Int) {
        if texts != nil {
            texts!.add(field, in: chunk)
            return
        }
        // A doubled quote inside a quoted field is never a number.
        if !field.escaped, case .number(let value, let decimal) = DecimalParser.parse(UnsafeBufferPointer(rebasing: chunk[field.start..<field.end])) {
            numbers.append(value)
            sawValue = true
            if integer, decimal || value != value.rounded() { integer = false }
            return
        }
        guard let text = ColumnarCSVReader.cellText(field, in: chunk) else {
            addMissing()
            return
        }
        var cells = TextColumn()
        cells.codes.reserveCapacity(max(expectedRows - row, 1))
        cells.add(text: text)
        texts = cells
        textFromRow = row
        numbersBeforeText = sawValue
        numbers = []
    }

    mutating func addMissing() {
        if texts != nil {
            texts!.codes.append(0)
            return
        }
        numbers.append(.nan)
        integer = false
    }
}

/// A text column while it is read: codes, and the interner that gives them.
///
/// Cells are interned by their bytes as they are, missing markers included (one lookup per
/// cell, no `String`); markers become missing once, per distinct value, in ``categories``.
struct TextColumn {
    var interner = CategoryInterner()
    var codes: [UInt32] = []

    @inline(__always)
    mutating func add(_ field: ColumnarCSVReader.Field, in chunk: UnsafeBufferPointer<UInt8>) {
        guard field.escaped else {
            codes.append(interner.code(for: UnsafeBufferPointer(rebasing: chunk[field.start..<field.end])))
            return
        }
        add(text: ColumnarCSVReader.text(field, in: chunk))
    }

    mutating func add(text: String?) {
        codes.append(text.map { interner.code(for: $0) } ?? 0)
    }

    /// Puts earlier rows' cells in front.
    mutating func prepend(_ cells: [String?]) {
        let earlier = cells.map { $0.map { interner.code(for: $0) } ?? 0 }
        codes = earlier + codes
    }

    /// Appends another part's cells, translating its codes into this column's.
    mutating func append(_ other: TextColumn) {
        let translation: [UInt32] = [0] + other.interner.values.map { interner.code(for: $0) }
        codes.reserveCapacity(codes.count + other.codes.count)
        for code in other.codes { codes.append(translation[Int(code)]) }
    }

    /// The column, with pandas' missing markers (and empty cells) as missing.
    var categories: Categories {
        var values: [String] = []
        var translation: [UInt32] = [0]
        for value in interner.values {
            if DataTable.missingMarkers.contains(value) {
                translation.append(0)
            } else {
                values.append(value)
                translation.append(UInt32(values.count))
            }
        }
        guard values.count < interner.values.count else { return Categories(codes: codes, values: values) }
        return Categories(codes: codes.map { translation[Int($0)] }, values: values)
    }
}
