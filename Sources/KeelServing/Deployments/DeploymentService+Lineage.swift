public import KeelRegistry

/// Lineage asks serving which deployments serve a model version, and with what share.
extension DeploymentService: DeploymentDirectory {
    public func deployments(servingModel name: String, version: Int64) async throws -> [DeploymentReference] {
        try await store.all().compactMap { deployment in
            guard deployment.modelName == name, deployment.versions.contains(version) else { return nil }
            return DeploymentReference(
                name: deployment.name, trafficShare: deployment.trafficShare(of: version), role: deployment.role(of: version)
            )
        }
    }
}

extension Deployment {
    /// The share of callers' requests `version` answers (a shadow answers none).
    public func trafficShare(of version: Int64) -> Double {
        switch traffic {
        case .single:
            return version == primaryVersion ? 1 : 0
        case .canary(let candidate, let percent):
            if version == candidate { return percent / 100 }
            return version == primaryVersion ? 1 - percent / 100 : 0
        case .abTest(let variants, _):
            let total = variants.reduce(0) { $0 + $1.weight }
            return total > 0 ? (variants.first { $0.version == version }?.weight ?? 0) / total : 0
        case .shadow:
            return version == primaryVersion ? 1 : 0
        }
    }
}
