import KeelCore
import KeelGovernance
import KeelTracking

extension WebSite {
    /// Experiments per page of the list.
    static let experimentsPerPage = 100

    /// `/ui/experiments?q=&view=&page=`: experiments whose name contains `q`, newest first.
    public func experiments(_ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        let text = query.first("q") ?? ""
        let view = ViewType(rawValue: query.first("view") ?? "") ?? .activeOnly
        let pageToken = query.first("page")
        var error: String?
        var found: [Experiment] = []
        var next: String?
        do {
            let filter = try Self.nameFilter(containing: text)
            let visible = try await viewer.visibility(.experiment)
            // Hidden experiments are dropped after the query, as MLflow's auth filters searches.
            let page = try await tracking.searchExperiments(
                filter: filter, viewType: view, maxResults: Self.experimentsPerPage,
                orderBy: ["last_update_time DESC"], pageToken: pageToken
            )
            found = page.experiments.filter { visible.contains(String($0.id)) }
            next = page.nextPageToken
        } catch let keel as KeelError where keel.httpStatus == 400 {
            error = keel.message
        }
        struct Row {
            var id: Int64
            var name: String
            var href: String
            var created: String
            var updated: String
            var deleted: Bool
            var tags: [String]
        }
        struct Context {
            var chrome: Chrome
            var query: String
            var views: [Choice]
            var error: String?
            var rows: [Row]
            var hasRows: Bool
            var firstHref: String?
            var nextHref: String?
        }
        let rows = found.map { experiment in
            Row(
                id: experiment.id, name: experiment.name, href: Href.experiment(experiment.id),
                created: Format.time(experiment.creationTime), updated: Format.time(experiment.lastUpdateTime),
                deleted: experiment.lifecycleStage == .deleted,
                tags: experiment.tags.filter { !$0.key.hasPrefix("mlflow.") }.prefix(6).map { "\($0.key): \($0.value)" }
            )
        }
        let base: [(String, String?)] = [("q", text), ("view", view == .activeOnly ? nil : view.rawValue)]
        let context = Context(
            chrome: Chrome(title: "Experiments", section: .experiments, viewer: viewer),
            query: text,
            views: [(ViewType.activeOnly, "Active"), (.deletedOnly, "Deleted"), (.all, "All")].map {
                Choice($0.0.rawValue, label: $0.1, selected: $0.0 == view)
            },
            error: error, rows: rows, hasRows: !rows.isEmpty,
            firstHref: pageToken == nil ? nil : "/ui/experiments" + Format.query(base),
            nextHref: next.map { "/ui/experiments" + Format.query(base + [("page", $0)]) }
        )
        return page(status: error == nil ? 200 : 400, template: "experiments", context)
    }

    /// A filter in MLflow's language matching names that contain `text`, case-insensitively.
    static func nameFilter(containing text: String) throws -> String? {
        guard !text.isEmpty else { return nil }
        return "name ILIKE \(try quoted("%\(text)%"))"
    }

    /// `text` as a string literal of the filter language: the text stays a value, never SQL.
    ///
    /// The language has no escape character, so text holding both kinds of quote is refused.
    static func quoted(_ text: String) throws -> String {
        if !text.contains("'") { return "'\(text)'" }
        if !text.contains("\"") { return "\"\(text)\"" }
        throw KeelError.invalidParameter("A search cannot hold both ' and \" (the filter language has no escapes).")
    }
}
