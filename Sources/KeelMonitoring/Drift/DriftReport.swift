import KeelCore

/// Drift between two tables, column by column, the way Evidently's legacy `DataDriftTable`
/// with the default column mapping judges it (docs/drift-evidently-defaults.md §2.2).
public enum DriftReport {
    /// Compares `current` with `reference`.
    ///
    /// - Parameters:
    ///   - target: the ground-truth column (default: `target` if the reference has it).
    ///   - prediction: the model-output column (default: `prediction` if present).
    ///   - columns: only these feature columns (default: every column but `datetime`).
    ///   - predictionKind: how to compare the prediction column, when the caller knows better
    ///     than Evidently's guess (a regression model monitored without its target).
    public static func compare(
        reference: DataTable,
        current: DataTable,
        target: String? = nil,
        prediction: String? = nil,
        columns: [String]? = nil,
        predictionKind: ColumnKind? = nil,
        options: DriftOptions = DriftOptions()
    ) throws -> DatasetDrift {
        let targetName = target ?? (reference.column("target") != nil ? "target" : nil)
        let predictionName = prediction ?? (reference.column("prediction") != nil ? "prediction" : nil)
        for name in [targetName, predictionName].compactMap({ $0 }) + (columns ?? []) where reference.column(name) == nil {
            throw KeelError.invalidParameter("The reference data has no column '\(name)'.")
        }
        let utility = Set([targetName, predictionName, "datetime"].compactMap { $0 })
        let features = reference.columns.filter { !utility.contains($0.name) && (columns?.contains($0.name) ?? true) }
        let numerical = features.filter { if case .numerical = $0.sample { return true } else { return false } }.map(\.name).sorted()
        let categorical = features.filter { if case .categorical = $0.sample { return true } else { return false } }.map(\.name).sorted()

        var plan: [(name: String, kind: ColumnKind)] = []
        let regression = targetName.flatMap { isRegressionTarget(reference.column($0)!, current.column($0)) } ?? false
        if let targetName { plan.append((targetName, regression ? .numerical : .categorical)) }
        if let predictionName {
            let column = reference.column(predictionName)!
            let guessed: ColumnKind = regression || isProbability(column, current.column(predictionName)) ? .numerical : .categorical
            plan.append((predictionName, predictionKind ?? guessed))
        }
        plan += numerical.map { ($0, .numerical) } + categorical.map { ($0, .categorical) }

        let compared = try plan.map { name, kind -> (name: String, kind: ColumnKind, reference: ColumnSample, current: ColumnSample) in
            guard let currentColumn = current.column(name) else {
                throw KeelError.invalidParameter("The current data has no column '\(name)', which the reference has.")
            }
            return (name, kind, reference.column(name)!.sample, currentColumn.sample)
        }
        return try DriftEngine.compare(compared, options: options)
    }

    /// Evidently's task recognition: a numeric target with at least 5 distinct values is regression.
    static func isRegressionTarget(_ reference: DataTable.Column, _ current: DataTable.Column?) -> Bool {
        guard case .numerical(let referenceValues) = reference.sample else { return false }
        var distinct = Set(referenceValues.filter { !$0.isNaN })
        if case .numerical(let currentValues)? = current?.sample { distinct.formUnion(currentValues.filter { !$0.isNaN }) }
        return distinct.count >= 5
    }

    /// A float column within [0, 1]: predicted probabilities, compared as numbers.
    static func isProbability(_ reference: DataTable.Column, _ current: DataTable.Column?) -> Bool {
        guard case .numerical(let referenceValues) = reference.sample, !reference.isInteger else { return false }
        var values = referenceValues.filter { !$0.isNaN }
        if case .numerical(let currentValues)? = current?.sample { values += currentValues.filter { !$0.isNaN } }
        guard let lowest = values.min(), let highest = values.max() else { return false }
        return lowest >= 0 && highest <= 1
    }
}
