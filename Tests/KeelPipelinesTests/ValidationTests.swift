import Foundation
import KeelMonitoring
@testable import KeelPipelines
import Testing

@Suite("Dataset validation")
struct ValidationTests {
    static func table(_ csv: String) throws -> DataTable {
        try DataTable.parse(Array(csv.utf8), format: "csv", name: "data.csv")
    }

    static let churn = """
        customer_id,age,plan,churned,score
        1,34,free,0,0.5
        2,51,pro,1,0.25
        3,18,basic,0,
        4,90,free,1,1.5
        """

    static let expectations = DatasetExpectations(
        rows: .init(min: 3, max: 10),
        columns: [
            "customer_id": .init(type: .integer, nulls: false, unique: true),
            "age": .init(type: .integer, min: 18, max: 90),
            "plan": .init(type: .string, allowed: [.text("free"), .text("basic"), .text("pro")]),
            "churned": .init(type: .integer, nulls: false, allowed: [.number(0), .number(1)]),
            "score": .init(type: .number, min: 0),
        ]
    )

    @Test("clean data passes every expectation")
    func cleanData() throws {
        let report = ValidationReport(dataset: "data.csv", table: try Self.table(Self.churn), expectations: Self.expectations)
        #expect(report.passed, "\(report.failures)")
        #expect(report.checks.count == 15)
        #expect(report.rows == 4)
    }

    @Test("each broken expectation is reported with counts and examples, none hidden by another")
    func brokenData() throws {
        let csv = """
            customer_id,age,plan,churned
            1,34,free,0
            1,17,gold,2
            2,95.5,pro,
            2,40,gold,1
            """
        let expectations = DatasetExpectations(
            rows: .init(min: 5),
            columns: Self.expectations.columns.merging(["region": .init(nulls: false)]) { $1 }.filter { $0.key != "score" }
        )
        let report = ValidationReport(dataset: "data.csv", table: try Self.table(csv), expectations: expectations)
        #expect(!report.passed)
        let failures = Dictionary(grouping: report.failures) { "\($0.column ?? "") \($0.expectation)" }
        #expect(failures[" rows.min: 5"]?.first?.detail == "4 rows")
        #expect(failures["customer_id unique: true"]?.first?.failingRows == 2)
        #expect(failures["age type: integer"]?.first?.detail == "read as number")
        #expect(failures["age min: 18"]?.first?.detail == "e.g. '17'")
        #expect(failures["age max: 90"]?.first?.failingRows == 1)
        #expect(failures["plan allowed: [free, basic, pro]"]?.first?.failingRows == 2)
        #expect(failures["plan allowed: [free, basic, pro]"]?.first?.detail == "e.g. 'gold'")
        #expect(failures["churned nulls: false"]?.first?.failingRows == 1)
        #expect(failures["churned allowed: [0, 1]"]?.first?.detail == "e.g. '2'")
        #expect(failures["region present"] != nil)
        #expect(report.failures.count == 9)
    }

    @Test("a range on a text column fails instead of passing silently")
    func rangeOnText() throws {
        let report = ValidationReport(
            dataset: "data.csv", table: try Self.table(Self.churn),
            expectations: DatasetExpectations(columns: ["plan": .init(min: 1)])
        )
        #expect(report.failures.map(\.detail) == ["the column holds text, not numbers"])
    }

    @Test("expectations decode from the keel.yaml shape (JSON here)")
    func decodes() throws {
        let json = """
            {"rows": {"min": 1000}, "columns": {"plan": {"type": "string", "allowed": ["free", "pro"]}, "churned": {"allowed": [0, 1], "nulls": false}}}
            """
        let decoded = try JSONDecoder().decode(DatasetExpectations.self, from: Data(json.utf8))
        #expect(decoded.rows == .init(min: 1000))
        #expect(decoded.columns["plan"] == .init(type: .string, allowed: [.text("free"), .text("pro")]))
        #expect(decoded.columns["churned"] == .init(nulls: false, allowed: [.number(0), .number(1)]))
    }
}
