public import KeelCore

/// Which part of a deployment's inference log a monitoring read looks at.
public struct InferenceWindow: Sendable, Hashable, CustomStringConvertible {
    /// How the window is bounded.
    public enum Bound: Sendable, Hashable {
        /// The trailing duration before now, in milliseconds.
        case trailing(milliseconds: Int64, text: String)
        /// The newest N requests.
        case lastRequests(Int)
        /// An explicit time range in epoch milliseconds; either side may be open.
        case range(start: Int64?, end: Int64?)
    }

    /// The bound.
    public var bound: Bound
    /// Only what this model version answered (shadow answers included); nil for every version
    /// that answered callers.
    public var version: String?

    /// The most requests one window reads; a busier window reads its newest ones.
    public static let maxRequests = 100_000

    /// The window a read uses when none is named: the last 24 hours.
    public static let `default` = InferenceWindow(bound: .trailing(milliseconds: 86_400_000, text: "24h"), version: nil)

    /// Creates a window.
    public init(bound: Bound, version: String? = nil) {
        self.bound = bound
        self.version = version
    }

    /// Reads `window=`, `last=`, `start=`/`end=` and `version=` query parameters (docs/monitoring.md).
    public init(query: [String: String]) throws(KeelError) {
        let given = ["window", "last", "start", "end"].filter { query[$0] != nil }
        if given.contains("window") && given.count > 1 || given.contains("last") && given.count > 1 {
            throw .invalidParameter("Give one of window=, last= or start=/end=, not several (got \(given.joined(separator: ", "))).")
        }
        if let text = query["window"] {
            bound = .trailing(milliseconds: try Self.duration(text, parameter: "window"), text: text)
        } else if let text = query["last"] {
            guard let count = Int(text), (1...Self.maxRequests).contains(count) else {
                throw .invalidParameter("last must be a number of requests between 1 and \(Self.maxRequests), got '\(text)'.")
            }
            bound = .lastRequests(count)
        } else if query["start"] != nil || query["end"] != nil {
            let start = try query["start"].map { text throws(KeelError) in try Self.epochMilliseconds(text, parameter: "start") }
            let end = try query["end"].map { text throws(KeelError) in try Self.epochMilliseconds(text, parameter: "end") }
            if let start, let end, start > end {
                throw .invalidParameter("start (\(start)) is after end (\(end)).")
            }
            bound = .range(start: start, end: end)
        } else {
            bound = Self.default.bound
        }
        if let version = query["version"] {
            guard let number = Int64(version), number > 0 else {
                throw .invalidParameter("version must be a positive model version number, got '\(version)'.")
            }
            self.version = String(number)
        } else {
            self.version = nil
        }
    }

    /// The time range this window covers at `now`: (start, end), open sides nil.
    public func timeRange(now: Int64) -> (start: Int64?, end: Int64?) {
        switch bound {
        case .trailing(let milliseconds, _): (now - milliseconds, now)
        case .lastRequests: (nil, nil)
        case .range(let start, let end): (start, end)
        }
    }

    /// The window as the query parameters that name it.
    public var description: String {
        var text: String
        switch bound {
        case .trailing(_, let spec): text = "window=\(spec)"
        case .lastRequests(let count): text = "last=\(count)"
        case .range(let start, let end):
            text = [start.map { "start=\($0)" }, end.map { "end=\($0)" }].compactMap { $0 }.joined(separator: "&")
        }
        if let version { text += "&version=\(version)" }
        return text
    }

    /// Parses `90s`, `15m`, `1h`, `7d`, `2w` into milliseconds.
    public static func duration(_ text: String, parameter: String) throws(KeelError) -> Int64 {
        let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000]
        guard let unit = text.last, let scale = units[unit], let amount = Int64(text.dropLast()), amount > 0,
            amount <= Int64.max / scale / 2
        else {
            throw .invalidParameter(
                "\(parameter) must be a positive whole number followed by s, m, h, d or w (e.g. 30m, 24h, 7d), got '\(text)'."
            )
        }
        return amount * scale
    }

    static func epochMilliseconds(_ text: String, parameter: String) throws(KeelError) -> Int64 {
        guard let value = Int64(text), value >= 0 else {
            throw .invalidParameter("\(parameter) must be a time in epoch milliseconds, got '\(text)'.")
        }
        return value
    }
}
