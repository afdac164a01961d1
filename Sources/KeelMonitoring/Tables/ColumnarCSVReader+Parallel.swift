import Dispatch
import Foundation
import NIOConcurrencyHelpers

extension ColumnarCSVReader {
    /// Files smaller than this are read on one core.
    static let parallelThreshold: UInt64 = 32 << 20

    /// Reads a large file on every core: split at line boundaries, each part typed on its own,
    /// the columns joined. Nil when the file is small, holds quotes (a newline inside quotes
    /// would make a split point ambiguous), fails to parse, or a column's parts disagree on its
    /// type — then the caller reads it in one pass, which also reports errors with exact lines.
    ///
    /// `KEEL_CSV_SEQUENTIAL=1` turns this off (tests compare both paths).
    static func readInParallel(path: String, name: String) -> DataTable? {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard ProcessInfo.processInfo.environment["KEEL_CSV_SEQUENTIAL"] != "1" else { return nil }
        guard cores > 1, let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value,
            size >= parallelThreshold, let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        guard (try? containsQuote(handle)) == false, let headerEnd = try? lineEnd(handle, after: 0) else { return nil }
        let headerBytes = (try? { try handle.seek(toOffset: 0); return try handle.read(upToCount: Int(headerEnd)) ?? Data() }()) ?? Data()
        guard let header = try? ColumnarCSVReader(source: .bytes([UInt8](headerBytes)), name: name).parse(header: nil).header else { return nil }

        var bounds: [UInt64] = [headerEnd]
        for part in 1..<cores {
            let guess = headerEnd + (size - headerEnd) * UInt64(part) / UInt64(cores)
            guard let split = try? lineEnd(handle, after: guess), split > bounds.last!, split < size else { continue }
            bounds.append(split)
        }
        bounds.append(size)
        let splits = bounds
        let parts = NIOLockedValueBox([Int: (builders: [ColumnBuilder], rows: Int)]())
        let failed = NIOLockedValueBox(false)
        DispatchQueue.concurrentPerform(iterations: splits.count - 1) { part in
            let reader = ColumnarCSVReader(source: .fileRange(path, start: splits[part], end: splits[part + 1]), name: name)
            guard let parsed = try? reader.parse(header: header) else {
                failed.withLockedValue { $0 = true }
                return
            }
            parts.withLockedValue { $0[part] = (parsed.builders, parsed.rows) }
        }
        guard !failed.withLockedValue({ $0 }) else { return nil }
        var ordered = parts.withLockedValue { parts in
            defer { parts.removeAll() }
            return (0..<(bounds.count - 1)).map { parts[$0]! }
        }
        let rowCounts = ordered.map(\.rows)
        var joined: [ColumnBuilder] = []
        for column in header.indices {
            // Hand each part's column over and drop it, so no column is held twice for long.
            var pieces: [(builder: ColumnBuilder, rows: Int)] = []
            for part in ordered.indices {
                pieces.append((ordered[part].builders[column], rowCounts[part]))
                ordered[part].builders[column] = ColumnBuilder()
            }
            guard let builder = join(&pieces) else { return nil }
            joined.append(builder)
        }
        return try? ColumnarCSVReader(source: .file(path), name: name)
            .finish(header: header, builders: joined, rows: ordered.reduce(0) { $0 + $1.rows })
    }

    /// One column's parts as one builder; nil when a part found text after another found numbers.
    static func join(_ parts: inout [(builder: ColumnBuilder, rows: Int)]) -> ColumnBuilder? {
        let textual = parts.contains { $0.builder.texts != nil }
        var joined = ColumnBuilder()
        if !textual {
            // The first part's storage grows into the column (no copy of it).
            joined.numbers = parts[0].builder.numbers
            parts[0].builder.numbers = []
            joined.sawValue = parts[0].builder.sawValue
            joined.integer = parts[0].builder.integer
            for index in parts.indices.dropFirst() {
                joined.numbers += parts[index].builder.numbers
                parts[index].builder.numbers = []
                joined.sawValue = joined.sawValue || parts[index].builder.sawValue
                joined.integer = joined.integer && parts[index].builder.integer
            }
            return joined
        }
        var texts = TextColumn()
        texts.codes.reserveCapacity(parts.reduce(0) { $0 + $1.rows })
        for part in parts {
            let builder = part.builder
            if let partTexts = builder.texts {
                guard !builder.numbersBeforeText else { return nil }
                texts.codes += repeatElement(0, count: builder.textFromRow)
                texts.append(partTexts)
            } else {
                guard !builder.sawValue else { return nil }
                texts.codes += repeatElement(0, count: part.rows)
            }
        }
        joined.texts = texts
        return joined
    }

    /// Whether the file holds a double quote anywhere (one reused buffer, no fresh pages).
    static func containsQuote(_ handle: FileHandle) throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        var offset: off_t = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { pread(handle.fileDescriptor, $0.baseAddress!, $0.count, offset) }
            guard got > 0 else { return false }
            let found = buffer.withUnsafeBytes { memchr($0.baseAddress!, Int32(UInt8(ascii: "\"")), got) != nil }
            if found { return true }
            offset += off_t(got)
        }
    }

    /// The offset just past the first newline at or after `offset`.
    static func lineEnd(_ handle: FileHandle, after offset: UInt64) throws -> UInt64? {
        try handle.seek(toOffset: offset)
        var position = offset
        while let data = try handle.read(upToCount: 1 << 16), !data.isEmpty {
            if let index = data.firstIndex(of: UInt8(ascii: "\n")) {
                return position + UInt64(index - data.startIndex) + 1
            }
            position += UInt64(data.count)
        }
        return nil
    }
}

extension DataTable {
    /// Reads several files at once, one per core (blocks the calling thread: for the command
    /// line). A small reference and a large current file then overlap instead of queueing.
    public static func read(paths: [String]) throws -> [DataTable] {
        let results = NIOLockedValueBox([Int: Result<DataTable, any Error>]())
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let result = Result { try DataTable.read(path: paths[index]) }
            results.withLockedValue { $0[index] = result }
        }
        return try results.withLockedValue { results in try paths.indices.map { try results[$0]!.get() } }
    }
}
