import Foundation
import KeelCore

/// How pages write times, numbers and sizes: the same everywhere, readable at a glance.
enum Format {
    /// `2026-11-24 03:45:12` (UTC), or an en dash for no time.
    static func time(_ millis: Int64?) -> String {
        guard let millis else { return "–" }
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = CivilDate.date(daysSinceEpoch: days)
        let rest = seconds - days * 86_400
        return String(format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    /// `1.2 s`, `3 min 4 s`, `2 h 5 min`.
    static func duration(from start: Int64?, to end: Int64?) -> String {
        guard let start, let end, end >= start else { return "–" }
        let millis = end - start
        if millis < 1000 { return "\(millis) ms" }
        let seconds = Double(millis) / 1000
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    /// Up to six significant digits, without trailing zeros; NaN and infinities spelled out.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 { return String(format: "%.4g", value) }
        var text = String(format: "%.6g", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `512 B`, `1.5 KiB`, `12.0 MiB`.
    static func bytes(_ count: Int64?) -> String {
        guard let count else { return "" }
        if count < 1024 { return "\(count) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }

    /// A path or query value percent-encoded for a URL (everything but unreserved characters).
    static func urlComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A query string from pairs, skipping empty values: `?a=1&b=x%20y`.
    static func query(_ pairs: [(String, String?)]) -> String {
        let parts = pairs.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return "\(urlComponent(name))=\(urlComponent(value))"
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
