import Foundation
import KeelCore

/// JSON as MLflow's protobuf-JSON speaks it.
///
/// NaN and infinities travel as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`; int64 fields
/// may arrive as numbers or strings (see ``FlexibleDecoding``).
enum MLflowJSON {
    /// The encoder for every MLflow response.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN"
        )
        return encoder
    }()

    /// The decoder for every MLflow request body.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN"
        )
        return decoder
    }()

    /// Decodes a request, turning every decoding failure into INVALID_PARAMETER_VALUE with a
    /// message that names the field, the way MLflow's server reports bad requests.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try decoder.decode(type, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch let error as KeelError {
            throw error
        } catch let error as DecodingError {
            throw KeelError.invalidParameter(describe(error))
        } catch {
            throw KeelError(.badRequest, "Malformed request body: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the request body" : "'\(names.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "Missing value for required parameter '\(key.stringValue)'\(parent). See the API docs for more information about request parameters."
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "Invalid value for \(path(context)): expected \(type)."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "Malformed JSON in the request body."
            }
            return "Invalid value for \(path(context)): \(context.debugDescription)"
        @unknown default:
            return "Invalid request: \(error)"
        }
    }
}
