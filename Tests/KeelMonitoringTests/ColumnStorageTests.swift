import Foundation
@testable import KeelMonitoring
import Testing

/// The compact column forms the drift engine works on: coded categories, their counts, and
/// the radix sort, each checked against the plain form it replaces.
@Suite("Column storage")
struct ColumnStorageTests {
    @Test("categories read back as the cells they were made from")
    func categoriesRoundTrip() {
        let cells: [String?] = ["a", nil, "b", "a", "", nil, "ü", "b"]
        let categories = Categories(cells)
        #expect(Array(categories) == cells)
        #expect(categories.values == ["a", "b", "", "ü"])
        #expect(categories.valueCounts() == [2, 2, 1, 1])
        #expect(categories.presentCount == 6)
        #expect(Array(Categories.missing(count: 3)) == [nil, nil, nil])
    }

    @Test("the interner tells apart many values, however their hashes collide in the table")
    func internerManyValues() {
        var interner = CategoryInterner()
        let values = (0..<5000).map { "city_\($0)" }
        let codes = values.map { interner.code(for: $0) }
        #expect(codes == (1...5000).map(UInt32.init))
        #expect(values.map { interner.code(for: $0) } == codes)
        #expect(interner.values == values)
    }

    @Test("counts from codes match counts from plain values")
    func pairedCountsFromCategories() {
        let reference: [String?] = ["x", "y", nil, "x", "z", "y", "x"]
        let current: [String?] = ["y", "w", "w", nil, "x"]
        let fromCodes = PairedCounts(reference: Categories(reference), current: Categories(current))
        let fromValues = PairedCounts(reference: reference.compactMap { $0 }, current: current.compactMap { $0 })
        #expect(fromCodes == fromValues)
        #expect(fromCodes.reference == [0, 3, 2, 1])
        #expect(fromCodes.current == [2, 1, 1, 0])
        #expect(chiSquareTest(fromCodes) == chiSquareTest(reference: reference.compactMap { $0 }, current: current.compactMap { $0 }))
    }

    @Test("counts from sorted numbers match counts from plain values")
    func pairedCountsFromSortedNumbers() {
        let reference: [Double] = [3, 1, 2, 2, -0.0, 5]
        let current: [Double] = [2, 7, 0, 0, 1]
        let fromSorted = PairedCounts(sortedReference: reference.sorted(), sortedCurrent: current.sorted())
        let fromValues = PairedCounts(reference: reference.map(Optional.some), current: current.map(Optional.some))
        #expect(fromSorted == fromValues)
        #expect(fromSorted.reference == [1, 1, 2, 1, 1, 0])
        #expect(fromSorted.current == [2, 1, 1, 0, 0, 1])
    }

    @Test("the radix sort agrees with the comparison sort, negatives and infinities included")
    func radixSortMatchesSort() {
        var generator = SystemRandomNumberGenerator()
        var values = (0..<20_000).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
        values += [.infinity, -.infinity, 0, -0.0, 1e-300, -1e-300, .greatestFiniteMagnitude]
        values += (0..<3000).map { Double($0 % 7) }
        #expect(radixSorted(values) == values.sorted())
        let constant = [Double](repeating: 4.25, count: 1000)
        #expect(radixSorted(constant) == constant)
    }

    @Test("a CSV text column keeps pandas' missing markers as missing, quoted or not")
    func csvTextColumnMarkers() throws {
        let csv = "id,plan\n1,free\n2,NA\n3,\"pro\"\n4,\n5,\"say \"\"hi\"\"\"\n6,free\n7,\"NA\"\n"
        let table = try ColumnarCSVReader(source: .bytes(Array(csv.utf8)), name: "t.csv").read()
        guard case .categorical(let plan)? = table.column("plan")?.sample else {
            Issue.record("plan should be text")
            return
        }
        #expect(Array(plan) == ["free", nil, "pro", nil, "say \"hi\"", "free", nil])
        #expect(plan.valueCounts().reduce(0, +) == 4)
        #expect(plan.values.count == 3)
    }

    @Test("a column that turns to text after numbers keeps the earlier rows' text")
    func csvNumbersThenText() throws {
        let csv = "code\n12\n7\nNA\nx9\n12\n"
        let table = try ColumnarCSVReader(source: .bytes(Array(csv.utf8)), name: "t.csv").read()
        guard case .categorical(let code)? = table.column("code")?.sample else {
            Issue.record("code should be text")
            return
        }
        #expect(Array(code) == ["12", "7", nil, "x9", "12"])
    }
}
