import KeelServing

/// A window of the inference log as a table: one row per instance, the features callers sent
/// and, as `prediction`, what the model answered.
struct WindowTable {
    /// The features and predictions, typed as pandas would type a CSV of them.
    var table: DataTable
    /// Requests in the window.
    var requests: Int
    /// Requests that failed (status other than 200).
    var errors: Int
    /// Logged requests whose body could not be read as rows.
    var unreadable: Int

    /// The name of the prediction column.
    static let predictionColumn = "prediction"

    /// Builds the table from `records`, keeping the columns in `wanted` (all when nil).
    ///
    /// - Parameter probabilities: fill `prediction` with the positive class's probability
    ///   rather than the label (when the reference's predictions are probabilities).
    init(records: [InferenceRecord], settings: MonitorSettings, wanted: [String]?, probabilities: Bool) {
        var header: [String] = []
        var seen = Set<String>()
        var rows: [[String: String?]] = []
        var predictions: [String?] = []
        var errors = 0
        var unreadable = 0
        for record in records {
            guard record.status == 200 else {
                errors += 1
                continue
            }
            guard let exchange = LoggedExchange(record: record, settings: settings) else {
                unreadable += 1
                continue
            }
            for column in exchange.columns where seen.insert(column).inserted { header.append(column) }
            rows += exchange.rows
            let answered = exchange.predictions?.map { prediction -> String? in
                probabilities ? prediction.probability.map { LooseJSON.text($0) } : prediction.value
            }
            predictions += answered ?? Array(repeating: nil, count: exchange.rows.count)
        }
        if let wanted { header = wanted.filter { seen.contains($0) } }
        var cells = rows.map { row in header.map { row[$0] ?? nil } }
        if wanted?.contains(Self.predictionColumn) ?? true, !header.contains(Self.predictionColumn) {
            header.append(Self.predictionColumn)
            for index in cells.indices { cells[index].append(predictions[index]) }
        }
        table = DataTable(header: header, rows: cells)
        requests = records.count
        self.errors = errors
        self.unreadable = unreadable
    }
}
