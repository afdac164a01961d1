public import KeelStore

/// The query string of a page request, as name/value pairs in the order they came.
///
/// Pages read their own parameters from it; a repeated name (`runs=a&runs=b`) keeps every value.
public struct QueryItems: Sendable {
    let pairs: [(name: String, value: String)]

    /// Wraps already percent-decoded pairs.
    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, or nil; an empty value counts as absent.
    public func first(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Every non-empty value of `name`, in order.
    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name && !$0.value.isEmpty }.map(\.value)
    }

    /// The first value of `name` as an integer clamped into `range`, or `fallback`.
    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = first(name), let value = Int(text) else { return fallback }
        return min(max(value, range.lowerBound), range.upperBound)
    }
}

/// What a page handler answers: HTML, a redirect, or bytes (an artifact preview).
public enum WebResponse: Sendable {
    /// A rendered page with its HTTP status.
    case page(status: Int, html: String)
    /// 303 See Other to a path on this server.
    case redirect(to: String)
    /// An artifact file, streamed from the artifact store by the HTTP layer. `inline` says
    /// whether a browser may show it in place (raster images only); anything else downloads.
    case artifact(path: ArtifactPath, size: Int64, contentType: String, filename: String, inline: Bool)
}
