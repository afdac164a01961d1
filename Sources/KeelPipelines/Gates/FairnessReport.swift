import KeelCore

/// Bias of a binary classifier's predictions across the groups of a sensitive column,
/// computed the way Fairlearn 0.15 computes its metrics, so a gate's verdict can be checked
/// with Fairlearn on the same file.
///
/// Per group: selection rate `predicted 1 / n`, true positive rate `TP / P` and false
/// positive rate `FP / N`, where a rate whose denominator is 0 counts as 0 (scikit-learn's
/// normalised confusion matrix turns that NaN into 0 before Fairlearn sees it). Across groups:
/// a difference is `max − min`, a ratio `min / max` (NaN only when every group's rate is 0).
/// Groups are told apart by their exact characters (Python's rule), not by Unicode
/// equivalence (Swift's).
public struct FairnessReport: Sendable, Equatable {
    /// One group's rates.
    public struct Group: Sendable, Equatable {
        /// The group's value in the sensitive column.
        public var name: String
        /// Rows in the group.
        public var count: Int
        /// Share predicted positive.
        public var selectionRate: Double
        /// Share of actual positives predicted positive (0 when the group has none).
        public var truePositiveRate: Double
        /// Share of actual negatives predicted positive (0 when the group has none).
        public var falsePositiveRate: Double
    }

    /// Per group, in order of first appearance.
    public var groups: [Group]
    /// `max − min` of the selection rates (Fairlearn's `demographic_parity_difference`).
    public var demographicParityDifference: Double
    /// `min / max` of the selection rates: the disparate impact ratio (`demographic_parity_ratio`).
    public var demographicParityRatio: Double
    /// `max − min` of the true positive rates.
    public var truePositiveRateDifference: Double
    /// `min / max` of the true positive rates.
    public var truePositiveRateRatio: Double
    /// `max − min` of the false positive rates.
    public var falsePositiveRateDifference: Double
    /// `min / max` of the false positive rates.
    public var falsePositiveRateRatio: Double
    /// The worse of the two rate differences (`equalized_odds_difference`, worst case).
    public var equalizedOddsDifference: Double
    /// The worse of the two rate ratios (`equalized_odds_ratio`), NaN as Fairlearn gives it.
    public var equalizedOddsRatio: Double

    /// The four-fifths rule: no group is selected at less than 80% of the most selected
    /// group's rate.
    public var passesFourFifthsRule: Bool { demographicParityRatio >= 0.8 }

    /// Computes the report; labels and predictions are 0 or 1, one group per row.
    public init(labels: [Int], predictions: [Int], groups sensitive: [String]) throws {
        guard labels.count == predictions.count, labels.count == sensitive.count else {
            throw KeelError.invalidParameter(
                "Bias needs one label, prediction and group per row; got \(labels.count), \(predictions.count) and \(sensitive.count)."
            )
        }
        guard !labels.isEmpty else { throw KeelError.invalidParameter("Bias needs at least one row.") }
        if let bad = (labels + predictions).first(where: { $0 != 0 && $0 != 1 }) {
            throw KeelError.invalidParameter("Bias metrics need binary labels and predictions (0 or 1); found \(bad).")
        }
        struct Tally { var name: String; var count = 0, selected = 0, positives = 0, truePositives = 0, negatives = 0, falsePositives = 0 }
        var position: [[UInt8]: Int] = [:]
        var tallies: [Tally] = []
        for row in labels.indices {
            let key = Array(sensitive[row].utf8)
            let index = position[key] ?? {
                tallies.append(Tally(name: sensitive[row]))
                position[key] = tallies.count - 1
                return tallies.count - 1
            }()
            tallies[index].count += 1
            tallies[index].selected += predictions[row]
            if labels[row] == 1 {
                tallies[index].positives += 1
                tallies[index].truePositives += predictions[row]
            } else {
                tallies[index].negatives += 1
                tallies[index].falsePositives += predictions[row]
            }
        }
        func rate(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
        groups = tallies.map {
            Group(
                name: $0.name, count: $0.count, selectionRate: rate($0.selected, $0.count),
                truePositiveRate: rate($0.truePositives, $0.positives), falsePositiveRate: rate($0.falsePositives, $0.negatives)
            )
        }
        (demographicParityDifference, demographicParityRatio) = Self.spread(groups.map(\.selectionRate))
        (truePositiveRateDifference, truePositiveRateRatio) = Self.spread(groups.map(\.truePositiveRate))
        (falsePositiveRateDifference, falsePositiveRateRatio) = Self.spread(groups.map(\.falsePositiveRate))
        equalizedOddsDifference = Self.pythonMax([truePositiveRateDifference, falsePositiveRateDifference])
        equalizedOddsRatio = Self.pythonMin([truePositiveRateRatio, falsePositiveRateRatio])
    }

    /// `max − min` and `min / max` of per-group values.
    static func spread(_ values: [Double]) -> (difference: Double, ratio: Double) {
        let low = values.min()!, high = values.max()!
        return (high - low, low / high)
    }

    /// Python's built-in `min`: a later value replaces the result only when it compares
    /// smaller, so a NaN first stays and a NaN later is passed over.
    static func pythonMin(_ values: [Double]) -> Double {
        values.dropFirst().reduce(values[0]) { $1 < $0 ? $1 : $0 }
    }

    /// Python's built-in `max`, with the same NaN behaviour as ``pythonMin(_:)``.
    static func pythonMax(_ values: [Double]) -> Double {
        values.dropFirst().reduce(values[0]) { $1 > $0 ? $1 : $0 }
    }
}
