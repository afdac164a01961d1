import KeelCore
import KeelStore
import KeelTracking
import SQLKit

extension RegistryService {
    /// Registered models matching a filter (name, tags), ordered and paged.
    public func searchRegisteredModels(
        filter: String?, maxResults: Int?, orderBy: [String], pageToken: String?
    ) async throws -> (models: [RegisteredModel], nextPageToken: String?) {
        let limit = maxResults ?? RegistryLimits.defaultModels
        guard limit >= 1, limit <= RegistryLimits.maxModels else {
            throw KeelError.invalidParameter("Invalid value for request parameter max_results. It must be at most \(RegistryLimits.maxModels), but got value \(limit)")
        }
        let offset = try PageToken(decoding: pageToken).offset
        let statement = try RegistrySearchQuery.registeredModels(
            filter: try SearchFilter.parseRegisteredModels(filter), order: try SearchOrder.parseRegisteredModels(orderBy),
            limit: limit + 1, offset: offset
        )
        return try await store.read { database in
            var rows = try await database.rows(statement, RegisteredModelRow.types).map(RegisteredModelRow.init(values:))
            let next = PageToken.trim(&rows, limit: limit, offset: offset)
            return (try await RegistryLoader.models(rows, in: database), next)
        }
    }

    /// Model versions matching a filter (name, run_id, version_number, source_path, tags), ordered and paged.
    public func searchModelVersions(
        filter: String?, maxResults: Int?, orderBy: [String], pageToken: String?
    ) async throws -> (versions: [ModelVersion], nextPageToken: String?) {
        let limit = maxResults ?? RegistryLimits.defaultVersions
        guard limit >= 1, limit <= RegistryLimits.maxVersions else {
            throw KeelError.invalidParameter("Invalid value for request parameter max_results. It must be at most \(RegistryLimits.maxVersions), but got value \(limit)")
        }
        let offset = try PageToken(decoding: pageToken).offset
        let statement = try RegistrySearchQuery.modelVersions(
            filter: try SearchFilter.parseModelVersions(filter), order: try SearchOrder.parseModelVersions(orderBy),
            limit: limit + 1, offset: offset
        )
        return try await store.read { database in
            var rows = try await database.rows(statement, ModelVersionRow.types).map(ModelVersionRow.init(values:))
            let next = PageToken.trim(&rows, limit: limit, offset: offset)
            return (try await RegistryLoader.versions(rows, in: database), next)
        }
    }
}
