public import SQLKit

/// Typed column reads without `Codable` and key-strategy conversions.
///
/// Hot paths (metric histories, search pages) read thousands of rows per request; going
/// through a keyed decoder with snake-case conversion per row costs more than the query.
extension SQLRow {
    /// A non-null text column.
    public func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    /// A nullable text column.
    public func optionalString(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }

    /// A non-null integer column.
    public func int64(_ column: String) throws -> Int64 {
        try decode(column: column, as: Int64.self)
    }

    /// A nullable integer column.
    public func optionalInt64(_ column: String) throws -> Int64? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Int64.self)
    }

    /// A nullable floating-point column.
    public func optionalDouble(_ column: String) throws -> Double? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Double.self)
    }
}
