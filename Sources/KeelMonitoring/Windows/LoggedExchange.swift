import KeelServing

/// One logged request and its answer, read back as table rows: the features each instance
/// carried and the prediction the model gave it (docs/monitoring.md, "Rows, features and
/// predictions").
struct LoggedExchange {
    /// One instance's features, by column name, as cell text (nil when missing).
    var rows: [[String: String?]]
    /// Column names in the order first seen.
    var columns: [String]
    /// One prediction per row, when the answer could be read.
    var predictions: [Prediction]?

    /// What the model said about one row.
    struct Prediction: Equatable {
        /// The predicted label or value as cell text.
        var value: String?
        /// The numeric prediction (regression), when it is a number.
        var number: Double?
        /// The probability of the positive class, when the answer carries one.
        var probability: Double?
    }

    /// Reads a record; nil when its request body is not one Keel can turn into rows.
    init?(record: InferenceRecord, settings: MonitorSettings) {
        guard let requestText = record.requestBody, !requestText.hasPrefix("base64:") else { return nil }
        let parsed: (rows: [[String: String?]], columns: [String])?
        if let json = LooseJSON.parse(requestText) {
            parsed = record.protocolName == "v2" ? Self.openInferenceRows(json) : Self.scoringRows(json)
        } else {
            parsed = Self.csvRows(requestText)
        }
        guard let parsed, !parsed.rows.isEmpty else { return nil }
        rows = parsed.rows
        columns = parsed.columns
        predictions = nil
        if record.status == 200, let answer = record.responseBody.flatMap({ LooseJSON.parse($0) }) {
            let read = record.protocolName == "v2"
                ? Self.openInferencePredictions(answer, settings: settings)
                : Self.scoringPredictions(answer, settings: settings)
            if let read, read.count == rows.count { predictions = read }
        }
    }

    // MARK: Requests

    /// MLflow scoring bodies: `dataframe_split`, `dataframe_records`, `instances`, `inputs`.
    static func scoringRows(_ json: LooseJSON) -> (rows: [[String: String?]], columns: [String])? {
        if let split = json["dataframe_split"] {
            let data = split["data"]?.array ?? []
            let names = split["columns"]?.array?.map { $0.cellText ?? "" }
            return table(data.compactMap { $0.array }, names: names)
        }
        if let records = json["dataframe_records"]?.array { return recordRows(records) }
        for key in ["instances", "inputs"] {
            guard let payload = json[key] else { continue }
            if case .object(let columns, let keys) = payload {
                return columnar(columns, keys: keys)
            }
            guard let items = payload.array, let first = items.first else { return nil }
            if case .object = first { return recordRows(items) }
            if first.array != nil { return table(items.compactMap { $0.array }, names: nil) }
            return table(items.map { [$0] }, names: nil)
        }
        return nil
    }

    /// OIP inputs: one column per tensor, `[n, k]` tensors split into `name_0 … name_{k-1}`.
    static func openInferenceRows(_ json: LooseJSON) -> (rows: [[String: String?]], columns: [String])? {
        guard let inputs = json["inputs"]?.array else { return nil }
        var columns: [String: [String?]] = [:]
        var order: [String] = []
        var rowCount: Int?
        for input in inputs {
            guard let name = input["name"]?.string, let data = input["data"]?.array else { return nil }
            let flat = flatten(data)
            let shape = input["shape"]?.array?.compactMap { $0.number.map(Int.init) } ?? [flat.count]
            let rows = shape.first ?? flat.count
            let width = rows > 0 ? flat.count / rows : 0
            guard rows > 0, width > 0, rows * width == flat.count, rowCount == nil || rowCount == rows else { return nil }
            rowCount = rows
            if width == 1 {
                columns[name] = flat.map(\.cellText)
                order.append(name)
            } else {
                for column in 0..<width {
                    let columnName = "\(name)_\(column)"
                    columns[columnName] = (0..<rows).map { flat[$0 * width + column].cellText }
                    order.append(columnName)
                }
            }
        }
        guard let rowCount else { return nil }
        let rows = (0..<rowCount).map { index in Dictionary(uniqueKeysWithValues: order.map { ($0, columns[$0]![index]) }) }
        return (rows, order)
    }

    /// `text/csv` bodies: a header row, then data.
    static func csvRows(_ text: String) -> (rows: [[String: String?]], columns: [String])? {
        var header: [String]?
        var rows: [[String: String?]] = []
        let reader = ColumnarCSVReader(source: .bytes(Array(text.utf8)), name: "the request")
        do {
            try reader.scan { fields, chunk in
                let cells = fields.map { ColumnarCSVReader.text($0, in: chunk) }
                guard let names = header else {
                    header = cells.map { $0 ?? "" }
                    return
                }
                rows.append(Dictionary(uniqueKeysWithValues: names.enumerated().map { index, name -> (String, String?) in
                    let cell = index < cells.count ? cells[index] : nil
                    return (name, cell.flatMap { DataTable.missingMarkers.contains($0) ? nil : $0 })
                }))
            }
        } catch {
            return nil
        }
        guard let header, !header.isEmpty, Set(header).count == header.count else { return nil }
        return (rows, header)
    }

    static func recordRows(_ items: [LooseJSON]) -> (rows: [[String: String?]], columns: [String])? {
        var order: [String] = []
        var seen = Set<String>()
        var rows: [[String: String?]] = []
        for item in items {
            guard case .object(let object, let keys) = item else { return nil }
            for key in keys.sorted() where seen.insert(key).inserted { order.append(key) }
            rows.append(object.mapValues(\.cellText))
        }
        return (rows, order)
    }

    static func columnar(_ columns: [String: LooseJSON], keys: [String]) -> (rows: [[String: String?]], columns: [String])? {
        let names = keys.sorted()
        let values = names.map { name in columns[name]?.array.map(flatten) ?? [columns[name]!] }
        guard let count = values.first?.count, values.allSatisfy({ $0.count == count }) else { return nil }
        let rows = (0..<count).map { index in Dictionary(uniqueKeysWithValues: names.indices.map { (names[$0], values[$0][index].cellText) }) }
        return (rows, names)
    }

    static func table(_ data: [[LooseJSON]], names: [String]?) -> (rows: [[String: String?]], columns: [String])? {
        let width = names?.count ?? data.first?.count ?? 0
        let names = names ?? (0..<width).map(String.init)
        guard data.allSatisfy({ $0.count == width }) else { return nil }
        let rows = data.map { row in Dictionary(uniqueKeysWithValues: zip(names, row.map(\.cellText)).map { ($0, $1) }) }
        return (rows, names)
    }

    static func flatten(_ values: [LooseJSON]) -> [LooseJSON] {
        values.flatMap { value in value.array.map(flatten) ?? [value] }
    }

    // MARK: Answers

    /// `{"predictions": [...]}` from `/invocations` (or a bare list, as some flavors answer).
    static func scoringPredictions(_ json: LooseJSON, settings: MonitorSettings) -> [Prediction]? {
        guard let items = json["predictions"]?.array ?? json.array else {
            // A dict of columns: {"predictions": {"prediction": [...], "probability": [...]}}
            guard case .object(let columns, _)? = json["predictions"] else { return nil }
            let labels = columns[settings.predictionField]?.array ?? []
            let scores = settings.probabilityField.flatMap { columns[$0]?.array }
            return labels.enumerated().map { index, label in
                prediction(label, probability: scores.flatMap { index < $0.count ? $0[index].number : nil })
            }
        }
        return items.map { item in
            switch item {
            case .object(let fields, _):
                let probability = settings.probabilityField.flatMap { fields[$0]?.number }
                return prediction(fields[settings.predictionField] ?? .null, probability: probability)
            case .array(let scores):
                return probabilities(scores.compactMap(\.number))
            default:
                return prediction(item, probability: nil)
            }
        }
    }

    /// The output named by the settings' prediction field, else the first output.
    static func openInferencePredictions(_ json: LooseJSON, settings: MonitorSettings) -> [Prediction]? {
        guard let outputs = json["outputs"]?.array, !outputs.isEmpty else { return nil }
        let chosen = outputs.first { $0["name"]?.string == settings.predictionField } ?? outputs[0]
        guard let data = chosen["data"]?.array else { return nil }
        let flat = flatten(data)
        let shape = chosen["shape"]?.array?.compactMap { $0.number.map(Int.init) } ?? [flat.count]
        let rows = shape.first ?? flat.count
        guard rows > 0, flat.count % rows == 0 else { return nil }
        let width = flat.count / rows
        let probabilityOutput = settings.probabilityField.flatMap { name in outputs.first { $0["name"]?.string == name } }
        let scores = probabilityOutput.flatMap { $0["data"]?.array.map(flatten) }
        return (0..<rows).map { row in
            if width == 1 {
                let score = scores.flatMap { $0.count == rows ? $0[row].number : ($0.count == rows * 2 ? $0[row * 2 + 1].number : nil) }
                return prediction(flat[row], probability: score)
            }
            return probabilities(flat[row * width..<(row + 1) * width].compactMap(\.number))
        }
    }

    static func prediction(_ value: LooseJSON, probability: Double?) -> Prediction {
        Prediction(value: value.cellText, number: value.number, probability: probability)
    }

    /// A row of class probabilities: the predicted class is the most probable; with two classes
    /// the positive class's probability is the second.
    static func probabilities(_ scores: [Double]) -> Prediction {
        guard let best = scores.indices.max(by: { scores[$0] < scores[$1] }) else { return Prediction(value: nil, number: nil, probability: nil) }
        return Prediction(value: String(best), number: Double(best), probability: scores.count == 2 ? scores[1] : nil)
    }
}
