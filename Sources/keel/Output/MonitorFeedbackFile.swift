import ArgumentParser
import Foundation
import KeelMonitoring

/// Reads a feedback CSV (`request_id,label[,row]`) into the items `POST /api/2.0/keel/feedback` takes.
enum MonitorFeedbackFile {
    static func read(_ path: String, replace: Bool) throws -> [[String: Any]] {
        let table = try DataTable.read(path: path)
        guard let ids = table.column("request_id"), let labels = table.column("label") else {
            throw ValidationError("'\(path)' needs a header with request_id and label columns (and optionally row).")
        }
        let rows = table.column("row")
        guard case .categorical(let requestIDs) = ids.sample else {
            throw ValidationError("'\(path)': request_id must hold the X-Keel-Request-Id values.")
        }
        return try (0..<table.rowCount).map { index in
            guard let id = requestIDs[index] else { throw ValidationError("'\(path)' row \(index + 2) has no request_id.") }
            var item: [String: Any] = ["request_id": id]
            switch labels.sample {
            case .numerical(let values):
                guard values[index].isFinite else { throw ValidationError("'\(path)' row \(index + 2) has no label.") }
                item["label"] = labels.isInteger ? NSNumber(value: Int64(values[index])) : NSNumber(value: values[index])
            case .categorical(let values):
                guard let label = values[index] else { throw ValidationError("'\(path)' row \(index + 2) has no label.") }
                item["label"] = label
            }
            if case .numerical(let values)? = rows?.sample, values[index].isFinite { item["row"] = Int(values[index]) }
            if replace { item["replace"] = true }
            return item
        }
    }
}
