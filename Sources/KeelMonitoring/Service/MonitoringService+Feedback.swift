import KeelCore

/// What a feedback call changed.
public struct FeedbackOutcome: Sendable, Equatable {
    /// Labels stored or corrected.
    public var stored: Int
    /// Labels that were already stored with the same value.
    public var unchanged: Int
}

extension MonitoringService {
    /// Joins ground truth to logged predictions (docs/monitoring.md, "Feedback").
    ///
    /// The whole batch is checked before anything is stored and stored in one transaction:
    /// one bad item (unknown request, wrong row count, conflicting label) stores nothing.
    ///
    /// - Parameter deployment: when given, every request must have been answered by it.
    public func recordFeedback(_ items: [FeedbackItem], deployment: String? = nil) async throws -> FeedbackOutcome {
        if let deployment { _ = try await deployments.get(deployment) }
        // The log is written in batches; a label sent right after its prediction must find it.
        await logWriter?.flush()
        let ids = Array(Set(items.map(\.requestID)))
        let records = try await windows.records(requestIDs: ids)
        let unknown = ids.filter { records[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            let shown = unknown.prefix(5).joined(separator: ", ")
            throw KeelError.notFound(
                "No logged prediction has request id \(shown)\(unknown.count > 5 ? " (and \(unknown.count - 5) more)" : ""); nothing was stored."
            )
        }
        if let deployment, let stranger = items.first(where: { records[$0.requestID]!.deployment != deployment }) {
            throw KeelError.invalidParameter(
                "Request \(stranger.requestID) was answered by deployment '\(records[stranger.requestID]!.deployment)', not '\(deployment)'; nothing was stored."
            )
        }
        var settingsByDeployment: [String: MonitorSettings] = [:]
        for deployment in Set(records.values.map(\.deployment)) {
            settingsByDeployment[deployment] = try await monitors.get(deployment)?.settings ?? MonitorSettings()
        }
        let existing = try await feedback.labels(requestIDs: ids)

        var wanted: [String: StoredLabel] = [:]
        var replacing = Set<StoredLabel>()
        var unchanged = 0
        for (index, item) in items.enumerated() {
            let record = records[item.requestID]!
            let settings = settingsByDeployment[record.deployment]!
            guard let exchange = LoggedExchange(record: record, settings: settings) else {
                throw KeelError.invalidParameter("feedback[\(index)]: request \(item.requestID) carries no rows Keel can read, so it cannot be labelled.")
            }
            let task = settings.task ?? exchange.inferredTask
            if task == .regression, !item.numeric {
                throw KeelError.invalidParameter("feedback[\(index)]: deployment '\(record.deployment)' is a regression; labels must be numbers.")
            }
            let rowCount = exchange.rows.count
            let labelled: [(row: Int, label: String)]
            if let labels = item.labels {
                guard labels.count == rowCount else {
                    throw KeelError.invalidParameter(
                        "feedback[\(index)]: request \(item.requestID) has \(rowCount) row\(rowCount == 1 ? "" : "s") but \(labels.count) labels were given."
                    )
                }
                labelled = Array(labels.enumerated().map { ($0.offset, $0.element) })
            } else {
                let row = item.row ?? 0
                guard row < rowCount else {
                    throw KeelError.invalidParameter("feedback[\(index)]: row \(row) is out of range; request \(item.requestID) has \(rowCount) row\(rowCount == 1 ? "" : "s").")
                }
                if item.row == nil, rowCount > 1 {
                    throw KeelError.invalidParameter(
                        "feedback[\(index)]: request \(item.requestID) has \(rowCount) rows; give labels for all of them, or row with label."
                    )
                }
                labelled = [(row, item.label!)]
            }
            for (row, label) in labelled {
                let key = "\(item.requestID)\u{0}\(row)"
                let stored = StoredLabel(requestID: item.requestID, row: row, deployment: record.deployment, label: label)
                if let earlier = wanted[key], earlier.label != label {
                    throw KeelError.invalidParameter("feedback[\(index)]: request \(item.requestID) row \(row) is labelled twice in this call, differently.")
                }
                if let previous = existing[item.requestID]?[row] {
                    if previous == label {
                        if wanted[key] == nil { unchanged += 1 }
                        continue
                    }
                    guard item.replace else {
                        throw KeelError.invalidParameter(
                            "feedback[\(index)]: request \(item.requestID) row \(row) is already labelled '\(previous)'; send \"replace\": true to correct it. Nothing was stored."
                        )
                    }
                    replacing.insert(stored)
                }
                wanted[key] = stored
            }
        }
        let labels = Array(wanted.values)
        try await feedback.save(labels, replacing: replacing)
        return FeedbackOutcome(stored: labels.count, unchanged: unchanged)
    }
}

extension LoggedExchange {
    /// The task the answers suggest: numbers with fractions → regression, anything else → classification.
    var inferredTask: MonitorSettings.Task {
        guard let predictions, !predictions.isEmpty else { return .classification }
        let fractional = predictions.contains { prediction in
            guard let number = prediction.number else { return false }
            return number != number.rounded()
        }
        let numeric = predictions.allSatisfy { $0.number != nil }
        return numeric && fractional ? .regression : .classification
    }
}
