import Foundation
import Hummingbird
import KeelCore
import KeelGovernance
import KeelRegistry
import KeelTracking

/// Model cards (docs/governance.md):
/// - `GET /api/2.0/keel/model-cards/{name}/{version}?format=json|md|html`, where the version is a
///   number or an alias;
/// - `PATCH /api/2.0/keel/model-cards/{name}` sets the owner-filled fields (registered-model tags
///   `keel.card.*`; an empty string clears one).
struct ModelCardsController: Sendable {
    typealias Context = KeelRequestContext
    let cards: ModelCardService
    let registry: RegistryService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("{name}/{version}", use: card)
        group.patch("{name}", use: edit)
    }

    /// Body fields of an edit, by the tag each fills.
    static let ownerFields: [(field: String, tag: String)] = [
        ("intended_use", ModelCardService.OwnerTag.intendedUse), ("intended_users", ModelCardService.OwnerTag.intendedUsers),
        ("out_of_scope_use", ModelCardService.OwnerTag.outOfScopeUse), ("factors", ModelCardService.OwnerTag.factors),
        ("ethical_considerations", ModelCardService.OwnerTag.ethicalConsiderations), ("caveats", ModelCardService.OwnerTag.caveats),
    ]

    @Sendable func card(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let versionText = try context.parameters.require("version")
        let version = if let number = Int64(versionText) { number } else { try await registry.version(name: name, alias: versionText).version }
        let card = try await cards.card(name: name, version: version)
        switch request.uri.queryParameters["format"].map(String.init) ?? "json" {
        case "json":
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            return Self.response(try encoder.encode(card), contentType: "application/json")
        case "md", "markdown":
            return Self.response(Data(card.document.markdown.utf8), contentType: "text/markdown; charset=utf-8")
        case "html":
            return Self.response(Data(card.document.html.utf8), contentType: "text/html; charset=utf-8")
        case let other:
            throw KeelError.invalidParameter("format must be json, md or html, got '\(other)'.")
        }
    }

    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
            throw KeelError.invalidParameter("The body must be a JSON object with any of: " + Self.ownerFields.map(\.field).joined(separator: ", ") + ".")
        }
        let unknown = Set(object.keys).subtracting(Self.ownerFields.map(\.field))
        guard unknown.isEmpty else {
            throw KeelError.invalidParameter("Unknown field(s) \(unknown.sorted().joined(separator: ", ")); a card takes " + Self.ownerFields.map(\.field).joined(separator: ", ") + ".")
        }
        _ = try await registry.registeredModel(name: name)
        for (field, tag) in Self.ownerFields {
            guard let value = object[field] else { continue }
            guard let text = value as? String else { throw KeelError.invalidParameter("'\(field)' must be a string.") }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                try await registry.deleteRegisteredModelTag(name: name, key: tag)
            } else {
                try await registry.setRegisteredModelTag(name: name, tag: KeyValue(key: tag, value: text))
            }
        }
        let tags = try await registry.registeredModel(name: name).tags
        var filled: [String: String] = [:]
        for (field, tag) in Self.ownerFields { filled[field] = tags.first { $0.key == tag }?.value }
        return ServingHTTP.json(["name": name, "card": filled])
    }

    private static func response(_ data: Data, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: .init(data: data)))
    }
}
