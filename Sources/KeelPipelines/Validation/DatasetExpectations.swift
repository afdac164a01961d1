/// What a `validate` stage expects of a dataset, as written under `expect:` in `keel.yaml`:
///
///     rows: {min: 1000, max: 10000000}
///     columns:
///       customer_id: {type: integer, unique: true, nulls: false}
///       age: {type: integer, min: 18, max: 90}
///       plan: {type: string, allowed: [free, basic, pro]}
///
/// Every expectation is checked (a failure does not hide the next one), so one run shows
/// everything wrong with the data.
public struct DatasetExpectations: Sendable, Equatable, Decodable {
    /// Bounds on the number of data rows.
    public struct RowBounds: Sendable, Equatable, Decodable {
        public var min: Int?
        public var max: Int?

        public init(min: Int? = nil, max: Int? = nil) {
            self.min = min
            self.max = max
        }
    }

    /// A column's type, as pandas would read it.
    public enum ColumnType: String, Sendable, Equatable, Decodable, CaseIterable {
        /// Whole numbers only.
        case integer
        /// Any numbers.
        case number
        /// Text (a column holding any cell that is not a number).
        case string
    }

    /// A value in an `allowed` list: numbers compare as numbers, text as text.
    public enum Value: Sendable, Equatable, Hashable, Decodable, CustomStringConvertible {
        case number(Double)
        case text(String)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        public var description: String {
            switch self {
            case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            case .text(let value): value
            }
        }
    }

    /// What one column must satisfy; a nil field is not checked.
    public struct ColumnExpectation: Sendable, Equatable, Decodable {
        public var type: ColumnType?
        /// `false`: no missing values.
        public var nulls: Bool?
        public var min: Double?
        public var max: Double?
        public var allowed: [Value]?
        public var unique: Bool?

        public init(type: ColumnType? = nil, nulls: Bool? = nil, min: Double? = nil, max: Double? = nil, allowed: [Value]? = nil, unique: Bool? = nil) {
            self.type = type
            self.nulls = nulls
            self.min = min
            self.max = max
            self.allowed = allowed
            self.unique = unique
        }
    }

    public var rows: RowBounds?
    /// Per column name. Columns not listed are not checked.
    public var columns: [String: ColumnExpectation]

    public init(rows: RowBounds? = nil, columns: [String: ColumnExpectation] = [:]) {
        self.rows = rows
        self.columns = columns
    }

    private enum CodingKeys: String, CodingKey { case rows, columns }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rows = try container.decodeIfPresent(RowBounds.self, forKey: .rows)
        columns = try container.decodeIfPresent([String: ColumnExpectation].self, forKey: .columns) ?? [:]
    }
}
