import KeelCore
import KeelGovernance
import KeelTracking
import Mustache

extension WebSite {
    /// Page sizes the runs table offers.
    static let runPageSizes = [25, 50, 100, 250, 500]

    /// `/ui/experiments/{id}?filter=&order=&size=&columns=&page=`: the experiment's runs.
    ///
    /// Filtering, sorting and paging run in the database through the same search the API uses,
    /// so a page costs the same with 100 runs or 100,000. Without chosen columns the table
    /// shows the metrics and parameters the page's runs have.
    public func experiment(id idText: String, _ query: QueryItems, viewer: Viewer) async throws -> WebResponse {
        guard let id = Int64(idText) else { throw KeelError.notFound("No experiment with ID '\(idText)'.") }
        let experiment = try await tracking.experiment(id: id)
        try await viewer.requireRead(.experiment, String(id))

        let filter = query.first("filter") ?? ""
        let order = query.first("order") ?? ""
        let asked = query.integer("size", default: 100, in: 1...500)
        let size = Self.runPageSizes.contains(asked) ? asked : 100
        let pageToken = query.first("page")
        let firstRow = query.integer("n", default: 1, in: 1...Int.max - 1)
        var runs: [Run] = []
        var next: String?
        var error: String?
        do {
            (runs, next) = try await tracking.searchRuns(
                experimentIDs: [id], filter: filter.isEmpty ? nil : filter, viewType: .activeOnly,
                maxResults: size, orderBy: order.isEmpty ? [] : [order], pageToken: pageToken
            )
        } catch let keel as KeelError where keel.httpStatus == 400 {
            error = keel.message
        }

        let columns = RunColumns(chosen: query.all("columns"), runs: runs)
        let base: [(String, String?)] = [("filter", filter), ("order", order), ("size", size == 100 ? nil : String(size))]
            + columns.chosen.map { ("columns", $0) }
        let selfHref = Href.experiment(id)
        func sortHref(_ key: String) -> String {
            let ascending = "\(key) ASC"
            let flipped = order == ascending ? "\(key) DESC" : ascending
            return selfHref + Format.query(base.filter { $0.0 != "order" } + [("order", flipped)])
        }
        func ariaSort(_ key: String) -> String? {
            if order == "\(key) ASC" || order == key { return "ascending" }
            if order == "\(key) DESC" { return "descending" }
            return nil
        }
        // The table's types answer Mustache by name: reflecting them for every cell of a
        // 500-run page was most of the page's time.
        struct Column: MustacheParent {
            var label: String
            var sortHref: String?
            var ariaSort: String?
            var numeric: Bool

            func child(named name: String) -> Any? {
                switch name {
                case "label": label
                case "sortHref": sortHref
                case "ariaSort": ariaSort
                case "numeric": numeric
                default: nil
                }
            }
        }
        var header = [
            Column(label: "Run", sortHref: sortHref("attributes.run_name"), ariaSort: ariaSort("attributes.run_name"), numeric: false),
            Column(label: "Status", sortHref: sortHref("attributes.status"), ariaSort: ariaSort("attributes.status"), numeric: false),
            Column(label: "Started", sortHref: sortHref("attributes.start_time"), ariaSort: ariaSort("attributes.start_time"), numeric: false),
            Column(label: "Duration", sortHref: nil, ariaSort: nil, numeric: false),
            Column(label: "User", sortHref: sortHref("attributes.user_id"), ariaSort: ariaSort("attributes.user_id"), numeric: false),
        ]
        header += columns.shown.map { column in
            Column(label: column.label, sortHref: sortHref(column.orderKey), ariaSort: ariaSort(column.orderKey), numeric: column.isMetric)
        }
        struct Row: MustacheParent {
            var id: String
            var name: String
            var href: String
            var status: String
            var started: String
            var duration: String
            var user: String
            var cells: [Cell]

            func child(named field: String) -> Any? {
                switch field {
                case "id": id
                case "name": name
                case "href": href
                case "status": status
                case "started": started
                case "duration": duration
                case "user": user
                case "cells": cells
                default: nil
                }
            }
        }
        let rows = runs.map { run in
            Row(
                id: run.info.runID, name: run.info.runName.isEmpty ? run.info.runID : run.info.runName, href: Href.run(run.info.runID),
                status: run.info.status.rawValue, started: Format.time(run.info.startTime),
                duration: Format.duration(from: run.info.startTime, to: run.info.endTime), user: run.info.userID,
                cells: columns.shown.map { Cell(text: $0.value(in: run), numeric: $0.isMetric) }
            )
        }
        struct Group {
            var title: String
            var choices: [Choice]
        }
        struct Context {
            var chrome: Chrome
            var facts: [Fact]
            var selfHref: String
            var tracesHref: String
            var filter: String
            var order: String
            var size: Int
            var sizes: [Choice]
            var chosenColumns: [String]
            var columnGroups: [Group]
            var error: String?
            var columns: [Column]
            var rows: [Row]
            var hasRows: Bool
            var rangeText: String
            var firstHref: String?
            var nextHref: String?
        }
        let context = Context(
            chrome: Chrome(
                title: experiment.name, section: .experiments, viewer: viewer,
                trail: [Link(text: "Experiments", href: "/ui/experiments")]
            ),
            facts: [
                Fact("Experiment ID", String(id)),
                Fact("Artifact location", experiment.artifactLocation),
                Fact("Created", Format.time(experiment.creationTime)),
            ] + (experiment.tags.first { $0.key == "mlflow.note.content" }.map { [Fact("Description", $0.value)] } ?? []),
            selfHref: selfHref, tracesHref: selfHref + "/traces", filter: filter, order: order, size: size,
            sizes: Self.runPageSizes.map { Choice(String($0), selected: $0 == size) },
            chosenColumns: columns.chosen,
            columnGroups: [
                Group(title: "Metrics", choices: columns.metricChoices),
                Group(title: "Parameters", choices: columns.paramChoices),
            ],
            error: error, columns: header, rows: rows, hasRows: !rows.isEmpty,
            rangeText: rows.isEmpty ? "" : "Runs \(firstRow)–\(firstRow + rows.count - 1)",
            firstHref: pageToken == nil ? nil : selfHref + Format.query(base),
            nextHref: next.map { selfHref + Format.query(base + [("page", $0), ("n", String(firstRow + rows.count))]) }
        )
        return page(status: error == nil ? 200 : 400, template: "experiment", context)
    }
}

/// Which metric and parameter columns the runs table shows, and which it offers.
struct RunColumns {
    /// A metric or parameter column.
    struct Column {
        var isMetric: Bool
        var key: String

        var label: String { key }
        /// The column as an `order_by` identifier; backquoted when the key needs it.
        var orderKey: String {
            let prefix = isMetric ? "metrics" : "params"
            let plain = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !key.contains("`")
            return plain ? "\(prefix).\(key)" : "\(prefix).`\(key)`"
        }

        func value(in run: Run) -> String {
            if isMetric { return run.metrics.first { $0.key == key }.map { Format.number($0.value) } ?? "" }
            return run.params.first { $0.key == key }?.value ?? ""
        }
    }

    /// The `columns` values the user chose (`metrics.rmse`, `params.lr`), in their order.
    let chosen: [String]
    let shown: [Column]
    let metricChoices: [Choice]
    let paramChoices: [Choice]

    /// The most columns of each kind shown when the user chose none.
    static let defaultPerKind = 8

    init(chosen raw: [String], runs: [Run]) {
        let parsed = raw.compactMap(Self.parse)
        chosen = parsed.map { ($0.isMetric ? "metrics." : "params.") + $0.key }
        let metricKeys = Set(runs.flatMap { $0.metrics.map(\.key) })
        let paramKeys = Set(runs.flatMap { $0.params.map(\.key) })
        if parsed.isEmpty {
            shown = metricKeys.sorted().prefix(Self.defaultPerKind).map { Column(isMetric: true, key: $0) }
                + paramKeys.sorted().prefix(Self.defaultPerKind).map { Column(isMetric: false, key: $0) }
        } else {
            shown = parsed
        }
        let shownMetrics = Set(shown.filter(\.isMetric).map(\.key))
        let shownParams = Set(shown.filter { !$0.isMetric }.map(\.key))
        metricChoices = metricKeys.union(shownMetrics).sorted().map { Choice("metrics.\($0)", label: $0, selected: shownMetrics.contains($0)) }
        paramChoices = paramKeys.union(shownParams).sorted().map { Choice("params.\($0)", label: $0, selected: shownParams.contains($0)) }
    }

    private static func parse(_ text: String) -> Column? {
        if text.hasPrefix("metrics."), text.count > 8 { return Column(isMetric: true, key: String(text.dropFirst(8))) }
        if text.hasPrefix("params."), text.count > 7 { return Column(isMetric: false, key: String(text.dropFirst(7))) }
        return nil
    }
}
