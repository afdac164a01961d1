import KeelCore

/// How a deployment splits requests between model versions.
public enum TrafficPolicy: Sendable, Hashable {
    /// Every request to the primary version.
    case single
    /// `percent` of requests to `candidate`, the rest to the primary.
    case canary(candidate: Int64, percent: Double)
    /// Requests split between versions by weight; with a sticky header, one header value
    /// always reaches the same version.
    case abTest(variants: [WeightedVersion], stickyHeader: String?)
    /// Every request also goes to `candidate`; callers always get the primary's answer.
    case shadow(candidate: Int64)

    /// The versions the policy sends traffic to besides the primary.
    public var versions: [Int64] {
        switch self {
        case .single: []
        case .canary(let candidate, _), .shadow(let candidate): [candidate]
        case .abTest(let variants, _): variants.map(\.version)
        }
    }

    /// The policy's name on the wire.
    public var kind: String {
        switch self {
        case .single: "single"
        case .canary: "canary"
        case .abTest: "ab"
        case .shadow: "shadow"
        }
    }

    /// Checks the numbers make sense; `primary` is the deployment's primary version.
    public func validate(primary: Int64) throws {
        switch self {
        case .single:
            break
        case .canary(let candidate, let percent):
            guard percent.isFinite, (0...100).contains(percent) else {
                throw KeelError.invalidParameter("Canary percent must be between 0 and 100, got \(percent).")
            }
            guard candidate != primary else {
                throw KeelError.invalidParameter("The canary candidate must differ from the primary version \(primary).")
            }
        case .abTest(let variants, let stickyHeader):
            guard variants.count >= 2 else { throw KeelError.invalidParameter("An A/B split needs at least two variants.") }
            guard Set(variants.map(\.version)).count == variants.count else {
                throw KeelError.invalidParameter("Each version may appear only once in an A/B split.")
            }
            guard variants.allSatisfy({ $0.weight.isFinite && $0.weight >= 0 }), variants.contains(where: { $0.weight > 0 }) else {
                throw KeelError.invalidParameter("A/B weights must be non-negative and not all zero.")
            }
            if let stickyHeader {
                guard !stickyHeader.isEmpty, stickyHeader.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw KeelError.invalidParameter("sticky_header must be an HTTP header name, got '\(stickyHeader)'.")
                }
            }
        case .shadow(let candidate):
            guard candidate != primary else {
                throw KeelError.invalidParameter("The shadow candidate must differ from the primary version \(primary).")
            }
        }
    }
}

/// A version and its share of an A/B split.
public struct WeightedVersion: Sendable, Hashable {
    /// The model version.
    public var version: Int64
    /// Its relative weight.
    public var weight: Double

    /// Creates a variant.
    public init(version: Int64, weight: Double) {
        self.version = version
        self.weight = weight
    }
}
