import Foundation

/// A text column stored as small codes into its distinct values.
///
/// A million cells of a handful of categories cost 4 bytes each instead of a 16-byte `String?`,
/// and tests count codes in an array instead of hashing every cell. Reads like `[String?]`:
/// `nil` is a missing value.
public struct Categories: RandomAccessCollection, Sendable {
    /// Per row: 0 for missing, otherwise `values[code - 1]`.
    public private(set) var codes: [UInt32]
    /// The distinct values, in order of first appearance.
    public private(set) var values: [String]

    /// Cells given as text.
    public init<Cells: Sequence>(_ cells: Cells) where Cells.Element == String? {
        var interner = CategoryInterner()
        var codes: [UInt32] = []
        codes.reserveCapacity(cells.underestimatedCount)
        for cell in cells { codes.append(cell.map { interner.code(for: $0) } ?? 0) }
        self.codes = codes
        self.values = interner.values
    }

    /// Codes already made against `values`.
    init(codes: [UInt32], values: [String]) {
        self.codes = codes
        self.values = values
    }

    /// `count` missing cells.
    public static func missing(count: Int) -> Categories {
        Categories(codes: Array(repeating: 0, count: count), values: [])
    }

    public var startIndex: Int { codes.startIndex }
    public var endIndex: Int { codes.endIndex }

    public subscript(position: Int) -> String? {
        let code = codes[position]
        return code == 0 ? nil : values[Int(code) - 1]
    }

    /// How often each value occurs, indexed like ``values`` (missing cells not counted).
    public func valueCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: values.count + 1)
        codes.withUnsafeBufferPointer { codes in
            counts.withUnsafeMutableBufferPointer { counts in
                for code in codes { counts[Int(code)] += 1 }
            }
        }
        return Array(counts.dropFirst())
    }

    /// Cells present (not missing).
    public var presentCount: Int { valueCounts().reduce(0, +) }
}

/// Gives each distinct text a code from 1 up, looking cells up by their bytes so that reading a
/// file makes one `String` per distinct value rather than one per cell.
struct CategoryInterner {
    /// The values so far; a value's code is its index + 1.
    private(set) var values: [String] = []
    /// The values' UTF-8 bytes back to back, for comparing candidates without a `String`.
    private var bytes: [UInt8] = []
    private var ranges: [Range<Int>] = []
    /// Open addressing: 0 empty, otherwise a code. Power-of-two size, at most half full.
    private var slots = [UInt32](repeating: 0, count: 64)
    private var hashes: [UInt64] = []

    /// The code for `text`, adding it when new.
    mutating func code(for text: String) -> UInt32 {
        var text = text
        return text.withUTF8 { code(for: $0) }
    }

    /// The code for the text spelled by `cell`, adding it when new.
    @inline(__always)
    mutating func code(for cell: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = Self.hash(cell)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code == 0 { break }
            let index = Int(code) - 1
            if hashes[index] == hash, matches(index, cell) { return code }
            slot = (slot + 1) & mask
        }
        values.append(String(decoding: cell, as: UTF8.self))
        let start = bytes.count
        bytes.append(contentsOf: cell)
        ranges.append(start..<bytes.count)
        hashes.append(hash)
        let code = UInt32(values.count)
        slots[slot] = code
        if values.count * 2 > slots.count { grow() }
        return code
    }

    private func matches(_ index: Int, _ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = ranges[index]
        guard range.count == cell.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            guard let base = cell.baseAddress, range.count > 0 else { return true }
            return memcmp(stored.baseAddress! + range.lowerBound, base, range.count) == 0
        }
    }

    private mutating func grow() {
        slots = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index + 1)
        }
    }

    /// FNV-1a over the bytes, then a multiply-shift mix so low bits (the slot) depend on all.
    @inline(__always)
    static func hash(_ cell: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in cell { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash ^= hash >> 29
        hash &*= 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
    }
}
