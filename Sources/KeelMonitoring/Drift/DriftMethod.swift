/// A drift test, named as Evidently names it.
public enum DriftMethod: String, Sendable, CaseIterable, Codable {
    /// Two-sample Kolmogorov–Smirnov (p-value).
    case ks
    /// Chi-square on category counts (p-value).
    case chisquare
    /// Z-test for two proportions (p-value).
    case z
    /// Wasserstein distance over the reference's standard deviation.
    case wasserstein
    /// Jensen–Shannon distance over bins or categories.
    case jensenshannon
    /// Population stability index (an option; never chosen by default).
    case psi

    /// The name reports show, as Evidently's `stattest_name`.
    public var displayName: String {
        switch self {
        case .ks: "K-S p_value"
        case .chisquare: "chi-square p_value"
        case .z: "Z-test p_value"
        case .wasserstein: "Wasserstein distance (normed)"
        case .jensenshannon: "Jensen-Shannon distance"
        case .psi: "PSI"
        }
    }

    /// Evidently's default threshold.
    public var defaultThreshold: Double {
        switch self {
        case .ks, .chisquare, .z: 0.05
        case .wasserstein, .jensenshannon, .psi: 0.1
        }
    }

    /// Whether the score is a p-value (small means drift) rather than a distance (large means drift).
    public var scoreIsPValue: Bool {
        switch self {
        case .ks, .chisquare, .z: true
        case .wasserstein, .jensenshannon, .psi: false
        }
    }

    /// Evidently's verdict: `p < t` (KS: `p <= t`) for p-values, `d >= t` for distances.
    public func detectsDrift(score: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: score <= threshold
        case .chisquare, .z: score < threshold
        case .wasserstein, .jensenshannon, .psi: score >= threshold
        }
    }
}
