import Crypto
import Foundation
import KeelCore
import NIOCore

/// Columns of a deployment's requests that hold personal data, and what the inference log
/// keeps of them: nothing (`redact`) or a keyed hash (`hash`), applied before the row is
/// written, so the value never reaches the database.
///
/// A hash is HMAC-SHA256 under the deployment's own random key, so equal values still match
/// across requests (to join feedback or count repeats) while a dictionary of, say, every
/// phone number does not reverse them without the key, which the API never shows.
public struct SensitiveColumns: Sendable, Hashable, Codable {
    /// What the log keeps of a column.
    public enum Treatment: String, Sendable, Hashable, Codable, CaseIterable {
        /// The value is replaced by `"[REDACTED]"`.
        case redact
        /// The value is replaced by `"hmac-sha256:<hex>"`.
        case hash
    }

    /// Treatment by column name.
    public var columns: [String: Treatment]
    /// The HMAC key, hex; made once per deployment and kept when the columns change.
    public var key: String

    public static let redacted = "[REDACTED]"

    /// `key` nil makes a new random one.
    public init(columns: [String: Treatment], key: String? = nil) {
        self.columns = columns
        self.key = key ?? Identifiers.newHexID() + Identifiers.newHexID()
    }

    /// Parses `{"ssn": "redact", "email": "hash"}` as the API takes it.
    public static func treatments(from object: [String: String]) throws -> [String: Treatment] {
        var result: [String: Treatment] = [:]
        for (column, text) in object {
            guard !column.isEmpty, column.count <= 250 else { throw KeelError.invalidParameter("A sensitive column name must be 1 to 250 characters.") }
            guard let treatment = Treatment(rawValue: text.lowercased()) else {
                throw KeelError.invalidParameter("Sensitive column '\(column)': use 'redact' or 'hash', not '\(text)'.")
            }
            result[column] = treatment
        }
        return result
    }

    /// The request body as the log stores it, with the sensitive columns replaced. JSON bodies
    /// of every shape `/invocations` and `/v2` accept are rewritten; a body that cannot be
    /// parsed is not stored at all (it may hold the values in a form not recognised).
    func loggedText(_ body: ByteBuffer) -> String {
        let data = Data(body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
           let rewritten = try? JSONSerialization.data(withJSONObject: rewrite(object), options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: rewritten, as: UTF8.self)
        }
        if let text = String(data: data, encoding: .utf8), let csv = rewriteCSV(text) { return csv }
        return "{\"keel_redacted\": \"the body could not be parsed, so none of it was logged\"}"
    }

    private func rewrite(_ object: Any) -> Any {
        guard var top = object as? [String: Any] else {
            if let records = object as? [Any] { return records.map(rewriteRecord) }
            return object
        }
        // {"dataframe_split": {"columns": [...], "data": [[...]]}}
        if var split = top["dataframe_split"] as? [String: Any] {
            top["dataframe_split"] = rewriteSplit(&split)
        }
        // {"dataframe_records": [{...}]} and {"instances": [{...}]}
        for key in ["dataframe_records", "instances"] {
            if let records = top[key] as? [Any] { top[key] = records.map(rewriteRecord) }
        }
        // {"inputs": {"col": [...]}}, {"inputs": [{...}]} or v2's [{"name": ..., "data": [...]}]
        if let inputs = top["inputs"] {
            if let columns = inputs as? [String: Any] {
                top["inputs"] = rewriteRecord(columns)
            } else if let list = inputs as? [Any] {
                top["inputs"] = list.map { item -> Any in
                    guard var tensor = item as? [String: Any], let name = tensor["name"] as? String, tensor["data"] != nil else { return rewriteRecord(item) }
                    if let treatment = columns[name] { tensor["data"] = replaceAll(tensor["data"]!, treatment) }
                    return tensor
                }
            }
        }
        return rewriteRecord(top)
    }

    private func rewriteSplit(_ split: inout [String: Any]) -> [String: Any] {
        guard let names = split["columns"] as? [Any], let rows = split["data"] as? [Any] else { return split }
        let treatments = names.map { ($0 as? String).flatMap { columns[$0] } }
        split["data"] = rows.map { row -> Any in
            guard var cells = row as? [Any] else { return row }
            for (index, treatment) in treatments.enumerated() where index < cells.count {
                if let treatment { cells[index] = replace(cells[index], treatment) }
            }
            return cells
        }
        return split
    }

    private func rewriteRecord(_ item: Any) -> Any {
        guard var record = item as? [String: Any] else { return item }
        for (name, treatment) in columns where record[name] != nil {
            record[name] = replaceAll(record[name]!, treatment)
        }
        return record
    }

    /// Replaces a value, or each value of a list (a column given as a list of rows).
    private func replaceAll(_ value: Any, _ treatment: Treatment) -> Any {
        if let list = value as? [Any] { return list.map { replaceAll($0, treatment) } }
        return replace(value, treatment)
    }

    private func replace(_ value: Any, _ treatment: Treatment) -> Any {
        if value is NSNull { return value }
        switch treatment {
        case .redact: return Self.redacted
        case .hash:
            let text = (value as? String) ?? (value as? NSNumber)?.stringValue ?? String(describing: value)
            return hash(text)
        }
    }

    /// The stored form of `value` under `.hash`.
    public func hash(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return "hmac-sha256:" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// CSV bodies (`text/csv`): the header names the columns. Quoted cells with commas are
    /// not split by this reader, so such a body is refused rather than half-redacted.
    private func rewriteCSV(_ text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first, !text.contains("\"") else { return nil }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let treatments = names.map { columns[$0] }
        guard treatments.contains(where: { $0 != nil }) else { return text }
        for index in lines.indices.dropFirst() where !lines[index].isEmpty {
            var cells = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (column, treatment) in treatments.enumerated() where column < cells.count {
                guard let treatment else { continue }
                cells[column] = treatment == .redact ? Self.redacted : hash(cells[column].trimmingCharacters(in: .whitespacesAndNewlines))
            }
            lines[index] = cells.joined(separator: ",")
        }
        return lines.joined(separator: "\n")
    }
}
