/// Rules for metric, param and tag keys, matching MLflow's `_validate_metric_name`
/// and friends, so a key Keel accepts is one every MLflow tool can read back.
public enum EntityKey {
    /// MLflow's `MAX_ENTITY_KEY_LENGTH`.
    public static let maxLength = 250

    /// Throws ``KeelError/Code/invalidParameterValue`` unless `key` is a valid entity key.
    ///
    /// A key may hold letters, digits, `_ - . / :` and spaces, at most 250 characters, and must
    /// not normalise to a different path (`../x`, `/x`, `a//b`): keys become artifact-like paths
    /// in some stores, so ambiguous ones are refused up front.
    public static func validate(_ key: String, kind: String) throws(KeelError) {
        // Nearly every key is plain ASCII: checked byte by byte, it needs no Character walk.
        if !key.isEmpty, key.utf8.count <= maxLength, key.utf8.allSatisfy(isAllowedASCII), isUniquePath(key) {
            return
        }
        guard !key.isEmpty else {
            throw .invalidParameter("Invalid \(kind) name: ''. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).")
        }
        guard key.count <= maxLength else {
            throw .invalidParameter("\(kind.capitalizedFirst) name '\(key.prefix(40))…' had length \(key.count), which exceeded length limit of \(maxLength)")
        }
        let allowedPunctuation: Set<Character> = ["/", "_", ".", "-", " ", ":"]
        for character in key where !(character.isLetter || character.isNumber || allowedPunctuation.contains(character)) {
            throw .invalidParameter("Invalid \(kind) name: '\(key)'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).")
        }
        if !isUniquePath(key) {
            throw .invalidParameter("Invalid \(kind) name: '\(key)'. Names cannot contain path segments that resolve elsewhere ('..', leading '/', '//').")
        }
    }

    /// An ASCII letter, digit, or one of `/ _ . - :` and space.
    private static func isAllowedASCII(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: " "), UInt8(ascii: ":"):
            true
        default:
            byte.isASCIIAlphanumeric
        }
    }

    /// Whether `key` reads the same after path normalisation (MLflow's `path_not_unique` inverted).
    static func isUniquePath(_ key: String) -> Bool {
        // Without a slash or a dot there is one segment, and it is neither empty, `.` nor `..`.
        if !key.isEmpty, !key.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") }) { return true }
        if key.hasPrefix("/") { return false }
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments where segment.isEmpty || segment == ".." || segment == "." {
            // A trailing slash leaves an empty last segment; MLflow treats `a/` as not unique too.
            return false
        }
        return true
    }
}

extension String {
    /// The string with its first character upper-cased; used to start sentences in messages.
    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
