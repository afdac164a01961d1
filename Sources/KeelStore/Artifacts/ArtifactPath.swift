public import KeelCore

/// A relative path inside the artifact root that has been checked not to escape it.
///
/// The only way to make one is ``init(validating:)``, so code holding an `ArtifactPath` never
/// needs to re-check. MLflow shipped a dozen path-traversal CVEs through this door; everything
/// suspicious is refused rather than repaired: `..` and `.` segments, absolute paths,
/// backslashes (Windows separators), NUL and control characters, `#` and `?` (URL fragments
/// and queries that other layers would cut differently), and text that still percent-decodes
/// to something else (double encoding). Symbolic links are checked by the store, which can
/// see the disk.
public struct ArtifactPath: Sendable, Hashable, CustomStringConvertible {
    /// The path's segments, none empty, none `.` or `..`.
    public let components: [String]

    /// The root itself.
    public static let root = ArtifactPath(trustedComponents: [])

    private init(trustedComponents: [String]) {
        components = trustedComponents
    }

    /// Validates an already percent-decoded relative path such as `1/abc/artifacts/model/MLmodel`.
    ///
    /// Empty segments (`a//b`, a trailing `/`) are dropped; an empty path is the root.
    public init(validating raw: String) throws(KeelError) {
        func refuse(_ why: String) -> KeelError {
            .invalidParameter("Invalid path '\(raw)': \(why).")
        }
        if raw.hasPrefix("/") { throw refuse("absolute paths are not allowed") }
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "\\": throw refuse("backslashes are not allowed")
            case "#", "?": throw refuse("'#' and '?' are not allowed")
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { throw refuse("control characters are not allowed") }
            }
        }
        if let decodedAgain = raw.removingPercentEncodingIfEncoded, decodedAgain != raw {
            throw refuse("the path is percent-encoded more than once")
        }
        var components: [String] = []
        for segment in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == ".." || segment == "." { throw refuse("'.' and '..' segments are not allowed") }
            components.append(String(segment))
        }
        // Windows drive letters would make the path absolute on a Windows artifact store.
        if let first = components.first, first.count == 2, first.hasSuffix(":") {
            throw refuse("drive letters are not allowed")
        }
        self.components = components
    }

    /// The path with `/` separators; empty for the root.
    public var string: String { components.joined(separator: "/") }

    public var description: String { string }

    /// Whether this is the root of the store.
    public var isRoot: Bool { components.isEmpty }

    /// The last segment, or an empty string for the root.
    public var lastComponent: String { components.last ?? "" }

    /// A child path; `name` must be a single valid segment (it comes from a directory listing).
    public func appending(_ name: String) throws(KeelError) -> ArtifactPath {
        let child = try ArtifactPath(validating: name)
        return ArtifactPath(trustedComponents: components + child.components)
    }

    /// Whether `self` equals `other` or lies inside it.
    public func isWithin(_ other: ArtifactPath) -> Bool {
        components.count >= other.components.count && Array(components.prefix(other.components.count)) == other.components
    }
}

extension String {
    /// The string percent-decoded once, or nil when it holds no percent escape.
    fileprivate var removingPercentEncodingIfEncoded: String? {
        guard contains("%") else { return nil }
        return PercentDecoding.decode(self)
    }
}

/// Percent-decoding without Foundation, strict about malformed escapes (they stay as is).
public enum PercentDecoding {
    /// Decodes `%XX` escapes as UTF-8; returns nil if the bytes are not valid UTF-8.
    public static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]),
               let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
