/// Sorts doubles by their bit patterns in four 16-bit counting passes.
///
/// About twice as fast as the comparison sort on a million values, which matters because
/// every numeric column's two samples are sorted once per drift run. NaN must not be present
/// (cleaned columns hold finite values only); `-0.0` sorts just before `0.0`, and the two
/// compare equal afterwards anyway.
func radixSorted(_ values: [Double]) -> [Double] {
    guard values.count > 256 else { return values.sorted() }
    // Flip the bits so unsigned order is numeric order: negatives reversed, positives above them.
    var keys = values.map { value -> UInt64 in
        let bits = value.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }
    var scratch = [UInt64](repeating: 0, count: keys.count)
    // All four digits' counts in one read of the keys, laid out pass after pass.
    var counts = [Int](repeating: 0, count: 4 * 65_536)
    keys.withUnsafeMutableBufferPointer { keyBuffer in
        scratch.withUnsafeMutableBufferPointer { scratchBuffer in
            counts.withUnsafeMutableBufferPointer { counts in
                for key in keyBuffer {
                    counts[Int(key & 0xFFFF)] += 1
                    counts[65_536 + Int((key >> 16) & 0xFFFF)] += 1
                    counts[131_072 + Int((key >> 32) & 0xFFFF)] += 1
                    counts[196_608 + Int(key >> 48)] += 1
                }
                var source = keyBuffer
                var destination = scratchBuffer
                for pass in 0..<4 {
                    let shift = UInt64(pass * 16)
                    let base = pass * 65_536
                    // A pass where every key has the same digit changes nothing: skip the copy.
                    if counts[base + Int((source[0] >> shift) & 0xFFFF)] == source.count { continue }
                    // Counts become each bucket's first position.
                    var position = 0
                    for bucket in base..<(base + 65_536) {
                        let count = counts[bucket]
                        counts[bucket] = position
                        position += count
                    }
                    for key in source {
                        let bucket = base + Int((key >> shift) & 0xFFFF)
                        destination[counts[bucket]] = key
                        counts[bucket] += 1
                    }
                    swap(&source, &destination)
                }
                if source.baseAddress != keyBuffer.baseAddress {
                    _ = keyBuffer.update(fromContentsOf: source)
                }
            }
        }
    }
    scratch = []
    return [Double](unsafeUninitializedCapacity: keys.count) { output, initialized in
        for (index, key) in keys.enumerated() {
            output[index] = Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
        }
        initialized = keys.count
    }
}

/// How many distinct values two sorted samples hold together.
func distinctCount(sorted first: [Double], _ second: [Double]) -> Int {
    var distinct = 0
    var last: Double?
    var i = 0, j = 0
    while i < first.count || j < second.count {
        let next: Double
        if j == second.count || (i < first.count && first[i] <= second[j]) {
            next = first[i]
            i += 1
        } else {
            next = second[j]
            j += 1
        }
        if next != last {
            distinct += 1
            last = next
        }
    }
    return distinct
}
