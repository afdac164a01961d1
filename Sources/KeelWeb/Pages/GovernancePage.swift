import KeelCore
import KeelGovernance

extension WebSite {
    /// Entries shown on the audit page.
    static let auditEntriesPerPage = 200

    /// `/ui/models/{name}/versions/{version}/card`: the model card, generated from lineage,
    /// with each section's EU AI Act items and the gaps the owner should fill.
    public func modelCard(name: String, version versionText: String, viewer: Viewer) async throws -> WebResponse {
        guard let number = Int64(versionText) else { throw KeelError.notFound("Model '\(name)' has no version '\(versionText)'.") }
        try await viewer.requireRead(.registeredModel, name)
        let document = try await cards.card(name: name, version: number).document
        struct Row {
            var cells: [String]
        }
        struct Table {
            var headers: [String]
            var rows: [Row]
        }
        struct Block {
            var paragraph: String?
            var gap: String?
            var subheading: String?
            var facts: [Fact]
            var hasFacts: Bool
            var table: Table?
        }
        struct Section {
            var title: String
            var euAIAct: String?
            var blocks: [Block]
        }
        struct Context {
            var chrome: Chrome
            var subtitle: String
            var sections: [Section]
            var cardReference: String
        }
        func block(_ block: CardDocument.Block) -> Block {
            var view = Block(paragraph: nil, gap: nil, subheading: nil, facts: [], hasFacts: false, table: nil)
            switch block {
            case .paragraph(let text): view.paragraph = text
            case .gap(let text): view.gap = text
            case .subheading(let text): view.subheading = text
            case .facts(let facts):
                view.facts = facts.map { Fact($0.0, $0.1) }
                view.hasFacts = !facts.isEmpty
            case .table(let headers, let rows): view.table = Table(headers: headers, rows: rows.map { Row(cells: $0) })
            }
            return view
        }
        let context = Context(
            chrome: Chrome(
                title: document.title, section: .models, viewer: viewer,
                trail: [
                    Link(text: "Models", href: "/ui/models"), Link(text: name, href: Href.model(name)),
                    Link(text: "version \(number)", href: Href.modelVersion(name, number)),
                ]
            ),
            subtitle: document.subtitle,
            sections: document.sections.map { section in
                Section(
                    title: section.title, euAIAct: section.euAIAct.isEmpty ? nil : section.euAIAct.joined(separator: "; "),
                    blocks: section.blocks.map(block)
                )
            },
            cardReference: "\(name)/\(number)"
        )
        return page(template: "card", context)
    }

    /// `/ui/audit?resource=&actor=&verify=1`: the audit log, newest first (admins only), and on
    /// request the check of its hash chain.
    public func audit(_ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        if let identity = viewer.identity, !identity.isAdmin {
            throw KeelError(.permissionDenied, "Only an admin may read the audit log.")
        }
        let resource = query.first("resource")
        let actor = query.first("actor")
        let entries = try await auditLog.entries(resource: resource, actor: actor, limit: Self.auditEntriesPerPage)
        var verification: String?
        var intact = true
        if query.first("verify") == "1" {
            let result = try await auditLog.verify()
            intact = result.isIntact
            verification = result.problem.map { "The chain is broken at entry \(result.brokenAt.map(String.init) ?? "?"): \($0)" }
                ?? "All \(result.entries) entries check out: every hash recomputed, every link intact."
        }
        struct Entry {
            var sequence: Int64
            var time: String
            var actor: String
            var method: String
            var remote: String
            var action: String
            var resource: String
            var status: Int
            var refused: Bool
            var hash: String
        }
        struct Context {
            var chrome: Chrome
            var resource: String
            var actor: String
            var verification: String?
            var intact: Bool
            var verifyHref: String
            var entries: [Entry]
            var hasEntries: Bool
            var capped: Bool
        }
        let context = Context(
            chrome: Chrome(title: "Audit log", section: .audit, viewer: viewer),
            resource: resource ?? "", actor: actor ?? "", verification: verification, intact: intact,
            verifyHref: "/ui/audit" + Format.query([("resource", resource), ("actor", actor), ("verify", "1")]),
            entries: entries.map { entry in
                Entry(
                    sequence: entry.sequence, time: Format.time(entry.at), actor: entry.actor, method: entry.authMethod,
                    remote: entry.remote, action: entry.action, resource: entry.resource, status: entry.status,
                    refused: entry.status >= 400, hash: String(entry.hash.prefix(12))
                )
            },
            hasEntries: !entries.isEmpty,
            capped: entries.count == Self.auditEntriesPerPage
        )
        return page(template: "audit", context)
    }
}
