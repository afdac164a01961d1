import Foundation
import KeelCore

/// Decoding that accepts both spellings MLflow clients use.
///
/// Protobuf-JSON allows int64 as numbers or strings and doubles as numbers or `"NaN"`-style
/// strings; GET requests carry everything as query strings, and a repeated field given once
/// arrives as a single string. Requests decode through these helpers so the same request type
/// serves a JSON body and a query string.
extension KeyedDecodingContainer {
    // Each helper first asks for the usual spelling in one lookup (`decodeIfPresent` is nil for
    // an absent key and for null); only a value of another spelling pays for the retries.

    func flexibleInt64(_ key: Key) throws -> Int64? {
        do {
            return try decodeIfPresent(Int64.self, forKey: key)
        } catch {
            if let text = try? decode(String.self, forKey: key), let number = Int64(text) { return number }
            if let double = try? decode(Double.self, forKey: key), double.rounded() == double, abs(double) < 9.2e18 {
                return Int64(double)
            }
            throw KeelError.invalidParameter("Invalid value for parameter '\(key.stringValue)': expected an integer.")
        }
    }

    func flexibleInt(_ key: Key) throws -> Int? {
        try flexibleInt64(key).map { Int(clamping: $0) }
    }

    func flexibleDouble(_ key: Key) throws -> Double? {
        do {
            return try decodeIfPresent(Double.self, forKey: key)
        } catch {
            if let text = try? decode(String.self, forKey: key) {
                switch text {
                case "NaN": return .nan
                case "Infinity", "inf": return .infinity
                case "-Infinity", "-inf": return -.infinity
                default: if let number = Double(text) { return number }
                }
            }
            throw KeelError.invalidParameter("Invalid value for parameter '\(key.stringValue)': expected a number.")
        }
    }

    func flexibleBool(_ key: Key) throws -> Bool? {
        do {
            return try decodeIfPresent(Bool.self, forKey: key)
        } catch {
            switch try? decode(String.self, forKey: key) {
            case "true": return true
            case "false": return false
            default: throw KeelError.invalidParameter("Invalid value for parameter '\(key.stringValue)': expected true or false.")
            }
        }
    }

    func flexibleString(_ key: Key) throws -> String? {
        do {
            return try decodeIfPresent(String.self, forKey: key)
        } catch {
            throw KeelError.invalidParameter("Invalid value for parameter '\(key.stringValue)': expected a string.")
        }
    }

    func flexibleStrings(_ key: Key) throws -> [String] {
        if try !contains(key) || decodeNil(forKey: key) { return [] }
        if let list = try? decode([String].self, forKey: key) { return list }
        if let single = try? decode(String.self, forKey: key) { return [single] }
        throw KeelError.invalidParameter("Invalid value for parameter '\(key.stringValue)': expected a list of strings.")
    }

    func requiredString(_ key: Key) throws -> String {
        guard let value = try flexibleString(key) else { throw Self.missing(key) }
        return value
    }

    /// MLflow's message for an absent required field.
    static func missing(_ key: Key) -> KeelError {
        .invalidParameter("Missing value for required parameter '\(key.stringValue)'. See the API docs for more information about request parameters.")
    }
}

/// A coding key made from any string, for reading loosely-shaped objects.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(_ string: String) { self.stringValue = string }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
