/// Finds a string field in a JSON answer without decoding the whole document.
///
/// The driver needs one value per unit (the new run's `run_id`) from answers it otherwise
/// ignores; a full JSON decode would be most of its work per request.
enum JSONField {
    /// The raw bytes of the first string value of key `name`, or `nil` if there is none or
    /// it holds escapes (never the case for the identifiers captured).
    static func firstString(named name: String, in json: [UInt8]) -> [UInt8]? {
        let key = Array("\"\(name)\"".utf8)
        var searchFrom = json.startIndex
        while let keyStart = HTTPResponseParser.find(key, in: json[searchFrom...]) {
            var cursor = keyStart + key.count
            skipSpaces(json, &cursor)
            guard cursor < json.endIndex, json[cursor] == UInt8(ascii: ":") else {
                searchFrom = keyStart + 1  // the name occurred as a value, not a key
                continue
            }
            cursor += 1
            skipSpaces(json, &cursor)
            guard cursor < json.endIndex, json[cursor] == UInt8(ascii: "\"") else { return nil }
            let valueStart = cursor + 1
            guard let valueEnd = json[valueStart...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
                  json[valueEnd] == UInt8(ascii: "\"") else { return nil }
            return Array(json[valueStart..<valueEnd])
        }
        return nil
    }

    private static func skipSpaces(_ json: [UInt8], _ cursor: inout Int) {
        while cursor < json.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(json[cursor]) { cursor += 1 }
    }
}
