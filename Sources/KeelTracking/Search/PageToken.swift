public import KeelCore
import Foundation

/// An opaque continuation token: base64 of `{"offset": N}`, the same shape MLflow hands out,
/// so tokens from either server look alike to clients. Undecodable tokens are refused.
public struct PageToken: Sendable, Hashable {
    /// How many results precede the next page.
    public var offset: Int

    /// A token for the page starting at `offset`.
    public init(offset: Int) {
        self.offset = offset
    }

    private struct Payload: Codable { let offset: Int }

    /// Decodes a token from a request; nil or empty means the first page.
    public init(decoding token: String?) throws(KeelError) {
        guard let token, !token.isEmpty else {
            offset = 0
            return
        }
        guard let data = Data(base64Encoded: token),
              let payload = try? JSONDecoder().decode(Payload.self, from: data),
              payload.offset >= 0
        else {
            throw .invalidParameter("Invalid page token, could not base64-decode: '\(token.prefix(100))'.")
        }
        offset = payload.offset
    }

    /// The token's wire form.
    public var encoded: String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }
}

extension PageToken {
    /// Cuts a page fetched with one look-ahead row (`limit + 1`) back to `limit` rows, and
    /// returns the token for the next page when the look-ahead row showed there is one.
    public static func trim<Row>(_ rows: inout [Row], limit: Int, offset: Int) -> String? {
        guard rows.count > limit else { return nil }
        rows.removeLast(rows.count - limit)
        return PageToken(offset: offset + limit).encoded
    }
}
