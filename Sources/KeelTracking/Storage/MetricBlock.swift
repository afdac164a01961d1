import KeelCore

/// One key's observations from one request, packed into the blob of a `metric_blocks` row.
///
/// Layout (version 1): a version byte, the point count as a varint, then per point the step and
/// the timestamp as zigzag varints of their difference from the point before (from 0 for the
/// first), and the value's 8 bytes, little-endian. Steps and timestamps in a batch usually grow
/// by small amounts, so a point takes about 10 bytes instead of a row and an index entry; the
/// value keeps its exact bits, NaN and infinities included.
enum MetricBlock {
    /// The layout this code writes.
    static let version: UInt8 = 1

    /// One decoded observation.
    struct Point: Equatable {
        var step: Int64
        var timestamp: Int64
        var value: Double
    }

    /// Packs `metrics` (all of one key), in the order given.
    static func encode(_ metrics: some Collection<Metric>) -> [UInt8] {
        var bytes: [UInt8] = [version]
        bytes.reserveCapacity(4 + metrics.count * 12)
        appendVarint(UInt64(metrics.count), to: &bytes)
        var step: Int64 = 0
        var timestamp: Int64 = 0
        for metric in metrics {
            appendVarint(zigzag(metric.step &- step), to: &bytes)
            appendVarint(zigzag(metric.timestamp &- timestamp), to: &bytes)
            var bits = metric.value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
            step = metric.step
            timestamp = metric.timestamp
        }
        return bytes
    }

    /// The points of a block, in the order they were logged.
    /// - Throws: `INTERNAL_ERROR` for bytes this code did not write (cut short, or another layout).
    static func decode(_ bytes: [UInt8]) throws -> [Point] {
        var cursor = 0
        guard bytes.first == version else { throw corrupt("unknown layout \(bytes.first.map(String.init) ?? "(empty)")") }
        cursor += 1
        let count = try readVarint(bytes, &cursor)
        // Each point takes at least 10 bytes: a count beyond that is not this layout.
        guard count <= UInt64((bytes.count - cursor) / 10) else { throw corrupt("\(count) points in \(bytes.count) bytes") }
        var points: [Point] = []
        points.reserveCapacity(Int(count))
        var step: Int64 = 0
        var timestamp: Int64 = 0
        for _ in 0..<count {
            step = step &+ unzigzag(try readVarint(bytes, &cursor))
            timestamp = timestamp &+ unzigzag(try readVarint(bytes, &cursor))
            guard bytes.count - cursor >= 8 else { throw corrupt("cut short") }
            var bits: UInt64 = 0
            for shift in 0..<8 { bits |= UInt64(bytes[cursor + shift]) << (8 * shift) }
            cursor += 8
            points.append(Point(step: step, timestamp: timestamp, value: Double(bitPattern: bits)))
        }
        guard cursor == bytes.count else { throw corrupt("\(bytes.count - cursor) bytes after the last point") }
        return points
    }

    private static func corrupt(_ detail: String) -> KeelError {
        KeelError(.internalError, "A stored metric block cannot be read: \(detail).")
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private static func readVarint(_ bytes: [UInt8], _ cursor: inout Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while cursor < bytes.count {
            let byte = bytes[cursor]
            cursor += 1
            guard shift < 64 else { break }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw corrupt("a number is cut short")
    }
}
