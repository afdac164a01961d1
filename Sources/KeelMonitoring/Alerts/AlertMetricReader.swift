import KeelCore
import KeelServing

extension MonitoringService {
    /// The value of `metric` over `window` of `deployment`; nil when there is nothing to compute
    /// it from (no traffic, no labels, no reference), so an alert neither fires nor resolves.
    public func value(of metric: AlertMetric, deployment: String, window: InferenceWindow) async throws -> Double? {
        switch metric {
        case .driftShare, .driftedColumns, .datasetDrift, .columnDrift:
            let result: WindowDrift
            do {
                result = try await drift(deployment: deployment, window: window)
            } catch let error as KeelError where error.code == .invalidParameterValue || error.code == .resourceDoesNotExist {
                // An empty window or no reference: nothing to judge yet.
                return nil
            }
            switch metric {
            case .driftShare: return result.drift.share
            case .driftedColumns: return Double(result.drift.driftedColumns)
            case .datasetDrift: return result.drift.detected ? 1 : 0
            case .columnDrift(let column): return result.drift.columns.first { $0.column == column }.map(\.score)
            default: return nil
            }
        case .performance(let name), .estimated(let name):
            // Over every caller-facing version together: what the callers experienced.
            let overall = try await performance(deployment: deployment, window: window).overall
            if case .performance = metric { return overall.metrics[name] }
            return overall.estimated[name]
        case .latency(let percentile):
            let read = try await windows.records(deployment: deployment, window: window)
            let latencies = read.records.filter { $0.status == 200 }.map { Double($0.latencyMicroseconds) / 1000 }.sorted()
            guard !latencies.isEmpty else { return nil }
            return ReferenceProfile.quantile(sorted: latencies, Double(percentile) / 100)
        case .errorRate:
            let read = try await windows.records(deployment: deployment, window: window)
            guard !read.records.isEmpty else { return nil }
            return Double(read.records.count { $0.status != 200 }) / Double(read.records.count)
        case .requests:
            return Double(try await windows.records(deployment: deployment, window: window).records.count)
        }
    }
}
