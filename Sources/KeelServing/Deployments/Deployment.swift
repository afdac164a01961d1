import KeelCore

/// A deployment: a registered model served under a name, with a traffic policy.
///
/// This is what is stored; every replica turns it into running worker pools.
public struct Deployment: Sendable, Hashable {
    /// The deployment's name: the model name under `/v2/models/` and the path segment of
    /// `/deployments/{name}/invocations`.
    public var name: String
    /// The registered model.
    public var modelName: String
    /// The alias the deployment was created from, if any.
    public var alias: String?
    /// The version that answers by default.
    public var primaryVersion: Int64
    /// Whether the primary version follows the alias when it moves.
    public var followAlias: Bool
    /// How requests are split between versions.
    public var traffic: TrafficPolicy
    /// Workers and batching, the same for every version of the deployment.
    public var runtime: RuntimeConfiguration
    /// When it was created, epoch milliseconds.
    public var createdAt: Int64
    /// When it last changed, epoch milliseconds.
    public var updatedAt: Int64
    /// Columns the inference log redacts or hashes, if any.
    public var sensitiveColumns: SensitiveColumns? = nil

    /// Every version the deployment needs running: the primary first, then the policy's others.
    public var versions: [Int64] {
        var versions = [primaryVersion]
        for version in traffic.versions where !versions.contains(version) { versions.append(version) }
        return versions
    }

    /// How the deployment was asked for: `name@alias` or `name/version`.
    public var modelReference: String {
        alias.map { "\(modelName)@\($0)" } ?? "\(modelName)/\(primaryVersion)"
    }

    /// Deployment names are URL path segments and Prometheus label values: keep them plain.
    public static func validate(name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }
        guard !name.isEmpty, name.count <= 64, allowed, name.first != ".", name.first != "-" else {
            throw KeelError.invalidParameter(
                "Invalid deployment name '\(name)': use 1-64 letters, digits, '-', '_' or '.', not starting with '.' or '-'."
            )
        }
    }
}

/// A reference to a registered model version, as users write it: `churn@champion` or `churn/3`.
public struct ModelReference: Sendable, Hashable {
    /// The registered model name.
    public var name: String
    /// The alias, when the reference names one.
    public var alias: String?
    /// The version, when the reference names one.
    public var version: Int64?

    /// Parses `name@alias`, `name/version`, or the same with a `models:/` prefix.
    public init(parsing text: String) throws {
        var body = Substring(text)
        if body.hasPrefix("models:/") { body = body.dropFirst("models:/".count) }
        if let at = body.lastIndex(of: "@") {
            name = String(body[..<at])
            alias = String(body[body.index(after: at)...])
            version = nil
            guard !name.isEmpty, alias?.isEmpty == false else { throw Self.invalid(text) }
        } else if let slash = body.lastIndex(of: "/"), let number = Int64(body[body.index(after: slash)...]), number > 0 {
            name = String(body[..<slash])
            alias = nil
            version = number
            guard !name.isEmpty else { throw Self.invalid(text) }
        } else {
            throw Self.invalid(text)
        }
    }

    private static func invalid(_ text: String) -> KeelError {
        KeelError.invalidParameter("Invalid model '\(text)': write name@alias (e.g. churn@champion) or name/version (e.g. churn/3).")
    }
}
