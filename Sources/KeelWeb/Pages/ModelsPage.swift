import KeelCore
import KeelGovernance
import KeelRegistry

extension WebSite {
    /// Registered models per page of the list.
    static let modelsPerPage = 100
    /// Versions listed on a model's page, newest first.
    static let versionsPerModelPage = 500

    /// `/ui/models?q=&page=`: registered models whose name contains `q`.
    public func models(_ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let text = query.first("q") ?? ""
        let pageToken = query.first("page")
        var error: String?
        var found: [RegisteredModel] = []
        var next: String?
        do {
            let visible = try await viewer.visibility(.registeredModel)
            let page = try await registry.searchRegisteredModels(
                filter: try Self.nameFilter(containing: text), maxResults: Self.modelsPerPage, orderBy: ["name ASC"], pageToken: pageToken
            )
            found = page.models.filter { visible.contains($0.name) }
            next = page.nextPageToken
        } catch let keel as KeelError where keel.httpStatus == 400 {
            error = keel.message
        }
        struct Row {
            var name: String
            var href: String
            var latest: String
            var latestHref: String?
            var aliases: [String]
            var updated: String
            var description: String
        }
        struct Context {
            var chrome: Chrome
            var query: String
            var error: String?
            var rows: [Row]
            var hasRows: Bool
            var firstHref: String?
            var nextHref: String?
        }
        let rows = found.map { model in
            let latest = model.latestVersions.map(\.version).max()
            return Row(
                name: model.name, href: Href.model(model.name), latest: latest.map(String.init) ?? "",
                latestHref: latest.map { Href.modelVersion(model.name, $0) },
                aliases: model.aliases.sorted { $0.alias < $1.alias }.map { "\($0.alias) → v\($0.version)" },
                updated: Format.time(model.lastUpdatedTimestamp), description: model.description ?? ""
            )
        }
        let context = Context(
            chrome: Chrome(title: "Registered models", section: .models, viewer: viewer),
            query: text, error: error, rows: rows, hasRows: !rows.isEmpty,
            firstHref: pageToken == nil ? nil : "/ui/models" + Format.query([("q", text)]),
            nextHref: next.map { "/ui/models" + Format.query([("q", text), ("page", $0)]) }
        )
        return page(status: error == nil ? 200 : 400, template: "models", context)
    }

    /// `/ui/models/{name}`: a registered model's aliases, versions and tags.
    public func model(name: String, viewer: Viewer) async throws -> WebResponse {
        let model = try await registry.registeredModel(name: name)
        try await viewer.requireRead(.registeredModel, name)
        let (versions, more) = try await registry.searchModelVersions(
            filter: "name = \(try Self.quoted(name))", maxResults: Self.versionsPerModelPage, orderBy: ["version_number DESC"], pageToken: nil
        )
        struct Alias {
            var alias: String
            var version: Int64
            var href: String
        }
        struct Version {
            var version: Int64
            var href: String
            var stage: String
            var aliases: [String]
            var status: String
            var runID: String
            var runHref: String?
            var created: String
            var description: String
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var description: String?
            var aliases: [Alias]
            var hasAliases: Bool
            var versions: [Version]
            var hasVersions: Bool
            var versionsCapped: String?
            var tags: [Pair]
            var hasTags: Bool
        }
        let context = Context(
            chrome: Chrome(title: model.name, section: .models, viewer: viewer, trail: [Link(text: "Models", href: "/ui/models")]),
            facts: [
                Fact("Created", Format.time(model.creationTimestamp)),
                Fact("Last updated", Format.time(model.lastUpdatedTimestamp)),
                Fact("Owner", model.userID ?? "–"),
            ],
            description: model.description.flatMap { $0.isEmpty ? nil : $0 },
            aliases: model.aliases.sorted { $0.alias < $1.alias }.map {
                Alias(alias: $0.alias, version: $0.version, href: Href.modelVersion(model.name, $0.version))
            },
            hasAliases: !model.aliases.isEmpty,
            versions: versions.map { version in
                Version(
                    version: version.version, href: Href.modelVersion(model.name, version.version),
                    stage: version.currentStage.rawValue, aliases: version.aliases.sorted(), status: version.status,
                    runID: version.runID ?? "", runHref: version.runID.map(Href.run),
                    created: Format.time(version.creationTimestamp), description: version.description ?? ""
                )
            },
            hasVersions: !versions.isEmpty,
            versionsCapped: more == nil ? nil : "Showing the newest \(Self.versionsPerModelPage) versions.",
            tags: model.tags.pairs, hasTags: !model.tags.isEmpty
        )
        return page(template: "model", context)
    }
}
