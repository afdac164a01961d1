import KeelCore
import KeelStore
import SQLKit

/// MLflow's bounds on `max_results` for searches.
public enum SearchLimits {
    /// Runs per page when the client does not say.
    public static let defaultRuns = 1000
    /// The most runs one page may hold.
    public static let maxRuns = 50_000
    /// Experiments per page when the client does not say.
    public static let defaultExperiments = 1000
    /// The most experiments one page may hold.
    public static let maxExperiments = 50_000
}

/// How one page of a run search is read.
private enum RunPagePlan: Sendable {
    case single(SQLQueryString)
    /// Both ways of reading a metric-ordered page; the experiments' size picks one.
    case metricOrdered(byIndex: RunSearchQuery.MetricOrderedPage, byExperiment: RunSearchQuery.MetricOrderedPage, sizeProbe: SQLQueryString)
}

extension TrackingService {
    /// Runs in the given experiments matching MLflow's filter language, ordered and paged.
    ///
    /// The filter is parsed into clauses and compiled with bound parameters; a malformed filter,
    /// order clause or page token is INVALID_PARAMETER_VALUE.
    public func searchRuns(
        experimentIDs: [Int64], filter: String?, viewType: ViewType, maxResults: Int?, orderBy: [String], pageToken: String?
    ) async throws -> (runs: [Run], nextPageToken: String?) {
        let limit = maxResults ?? SearchLimits.defaultRuns
        guard limit >= 0, limit <= SearchLimits.maxRuns else {
            throw KeelError.invalidParameter("Invalid value \(limit) for parameter 'max_results' supplied. It must be at most \(SearchLimits.maxRuns), but got value \(limit)")
        }
        let token = try PageToken(decoding: pageToken)
        let query = RunSearchQuery(
            experimentIDs: experimentIDs,
            filter: try SearchFilter.parseRuns(filter),
            order: try SearchOrder.parseRuns(orderBy),
            viewType: viewType
        )
        guard !experimentIDs.isEmpty, limit > 0 else { return ([], nil) }
        let seek = query.canSeek ? token.seek : nil
        // A metric order reads in two parts (`MetricOrderedPage`); any other order is one statement.
        let plan: RunPagePlan = if let byIndex = try query.metricOrderedPage(drivenBy: .metricIndex),
                                   let byExperiment = try query.metricOrderedPage(drivenBy: .experiment) {
            .metricOrdered(byIndex: byIndex, byExperiment: byExperiment, sizeProbe: query.sizeProbe())
        } else {
            .single(try query.statement(limit: limit + 1, offset: token.offset, after: seek))
        }
        return try await store.read { database in
            var rows: [RunRow]
            var withMetricCount = 0
            switch plan {
            case .metricOrdered(let byIndex, let byExperiment, let sizeProbe):
                let runs = try await database.rows(sizeProbe, [.int64]).first?.first?.int64 ?? 0
                let page = runs < RunSearchQuery.smallExperimentRuns ? byExperiment : byIndex
                (rows, withMetricCount) = try await Self.rows(of: page, limit: limit + 1, token: token, seek: seek, in: database)
            case .single(let statement):
                rows = try await database.rows(statement, RunRow.types).map(RunRow.init(values:))
            }
            guard rows.count > limit else { return (try await RunLoader.assemble(rows, in: database), nil) }
            rows.removeLast(rows.count - limit)
            let runs = try await RunLoader.assemble(rows, in: database)
            var next = PageToken(offset: token.offset + limit)
            if query.canSeek, let last = runs.last {
                next.seek = Self.seek(after: last, leadingMetric: query.leadingMetricOrder?.key, withMetric: rows.count <= withMetricCount)
            }
            return (runs, next.encoded)
        }
    }

    /// Where the next page resumes after `last`, or nil when its sort key cannot travel in a
    /// token (an infinite metric value); the next page then uses the offset.
    private static func seek(after last: Run, leadingMetric: String?, withMetric: Bool) -> RunSeek? {
        guard let startTime = last.info.startTime else { return nil }
        guard let key = leadingMetric, withMetric else {
            return RunSeek(metric: nil, startTime: startTime, runID: last.info.runID)
        }
        guard let value = last.metrics.first(where: { $0.key == key })?.value, value.isFinite else { return nil }
        return RunSeek(metric: value, startTime: startTime, runID: last.info.runID)
    }

    /// One page of a metric-ordered search: runs with the metric, then (if the page reaches
    /// past them) runs without it. Also returns how many rows came from the first part.
    ///
    /// A seek without a metric value means the previous page already reached the runs
    /// without the metric.
    private static func rows(
        of page: RunSearchQuery.MetricOrderedPage, limit: Int, token: PageToken, seek: RunSeek?, in database: any SQLDatabase
    ) async throws -> (rows: [RunRow], withMetric: Int) {
        if let seek, seek.metric == nil {
            return (try await database.rows(try page.withoutMetric(limit, 0, seek), RunRow.types).map(RunRow.init(values:)), 0)
        }
        var rows = try await database.rows(try page.withMetric(limit, token.offset, seek), RunRow.types).map(RunRow.init(values:))
        let withMetric = rows.count
        guard rows.count < limit else { return (rows, withMetric) }
        var offsetWithout = 0
        if rows.isEmpty && token.offset > 0 && seek == nil {
            struct Count: Decodable { let count: Int }
            let withMetric = try await database.raw(page.countWithMetric).first(decoding: Count.self)?.count ?? 0
            offsetWithout = max(0, token.offset - withMetric)
        }
        rows += try await database.rows(try page.withoutMetric(limit - rows.count, offsetWithout, nil), RunRow.types).map(RunRow.init(values:))
        return (rows, withMetric)
    }

    /// Experiments matching a filter (name, id, times, tags), ordered and paged.
    public func searchExperiments(
        filter: String?, viewType: ViewType, maxResults: Int?, orderBy: [String], pageToken: String?
    ) async throws -> (experiments: [Experiment], nextPageToken: String?) {
        let limit = maxResults ?? SearchLimits.defaultExperiments
        guard limit >= 1, limit <= SearchLimits.maxExperiments else {
            throw KeelError.invalidParameter("Invalid value \(limit) for parameter 'max_results' supplied. It must be between 1 and \(SearchLimits.maxExperiments).")
        }
        let offset = try PageToken(decoding: pageToken).offset
        let statement = try ExperimentSearchQuery(
            filter: try SearchFilter.parseExperiments(filter),
            order: try SearchOrder.parseExperiments(orderBy),
            viewType: viewType
        ).statement(limit: limit + 1, offset: offset)
        return try await store.read { database in
            var rows = try await database.raw(statement)
                .all(decoding: ExperimentRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            let next = PageToken.trim(&rows, limit: limit, offset: offset)
            let tags = try await Self.experimentTags(rows.map(\.experimentId), in: database)
            return (rows.map { $0.experiment(tags: tags[$0.experimentId] ?? []) }, next)
        }
    }
}
