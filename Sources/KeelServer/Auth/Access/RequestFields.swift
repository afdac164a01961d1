import Foundation
import Hummingbird
import KeelCore
import NIOCore

/// The named values a request carries, for access checks and the audit log: path parameters,
/// then the query string, then the fields of a JSON body, in that order of precedence.
///
/// Reading the body puts it back, so the handler reads the same bytes.
struct RequestFields: @unchecked Sendable {
    /// JSON values (`String`, `NSNumber`, arrays, objects) by field name.
    private(set) var values: [String: Any] = [:]

    /// Bodies larger than this are not read (artifact uploads and large batches pass through).
    static let maxInspectedBody = 64 << 20

    static func read(_ request: inout Request, context: some RequestContext, includeBody: Bool) async throws -> RequestFields {
        var fields = RequestFields()
        if includeBody, ![.get, .head].contains(request.method) {
            let declared = request.headers[.contentLength].flatMap(Int.init)
            if declared.map({ $0 <= maxInspectedBody }) ?? true {
                let buffer: ByteBuffer
                do {
                    buffer = try await request.body.collect(upTo: maxInspectedBody)
                } catch is NIOTooManyBytesError {
                    throw KeelError(.invalidParameterValue, "The request body is larger than \(maxInspectedBody) bytes.")
                }
                request.body = .init(buffer: buffer)
                if let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] {
                    fields.values = object
                }
            }
        }
        var query: [String: [String]] = [:]
        for (key, value) in QueryString.parse(request.uri.query ?? "") { query[key, default: []].append(value) }
        for (key, list) in query { fields.values[key] = list.count == 1 ? list[0] : list }
        for (key, value) in context.parameters { fields.values[String(key)] = String(value) }
        return fields
    }

    /// A field as text (numbers too: MLflow clients send ids either way).
    func string(_ name: String) -> String? {
        switch values[name] {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    /// A field that may be a single value or a list, as texts.
    func strings(_ name: String) -> [String] {
        switch values[name] {
        case let list as [Any]: list.compactMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
        case nil: []
        default: string(name).map { [$0] } ?? []
        }
    }
}
