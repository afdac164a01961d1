import Foundation
import KeelServing

/// The JSON shapes of the deployments API (docs/serving.md).
enum DeploymentJSON {
    static func object(_ state: DeploymentState) -> [String: Any] {
        let deployment = state.deployment
        var object: [String: Any] = [
            "name": deployment.name,
            "model": deployment.modelReference,
            "model_name": deployment.modelName,
            "follow_alias": deployment.followAlias,
            "primary_version": String(deployment.primaryVersion),
            "state": state.state.rawValue,
            "traffic": traffic(deployment.traffic),
            "targets": state.targets.map(target),
            "workers": deployment.runtime.workers,
            "max_batch_size": deployment.runtime.maxBatchSize,
            "max_batch_wait_ms": deployment.runtime.maxBatchWaitMilliseconds,
            "created_at": deployment.createdAt,
            "updated_at": deployment.updatedAt,
        ]
        if let alias = deployment.alias { object["alias"] = alias }
        // The hashing key is never shown: with it, hashed values could be reversed by guessing.
        object["sensitive_columns"] = (deployment.sensitiveColumns?.columns ?? [:]).mapValues(\.rawValue)
        if let message = state.message { object["message"] = message }
        if let serving = state.servingVersion { object["serving_version"] = String(serving) }
        return object
    }

    static func object(_ event: DeploymentEvent) -> [String: Any] {
        var object: [String: Any] = ["id": event.id, "kind": event.kind, "created_at": event.createdAt]
        if let version = event.version { object["version"] = String(version) }
        if let traffic = try? JSONSerialization.jsonObject(with: Data(event.detail.utf8)) { object["traffic"] = traffic }
        return object
    }

    static func traffic(_ policy: TrafficPolicy) -> Any {
        guard let data = try? JSONEncoder().encode(policy), let object = try? JSONSerialization.jsonObject(with: data) else {
            return ["kind": policy.kind]
        }
        return object
    }

    private static func target(_ target: DeploymentState.TargetState) -> [String: Any] {
        var object: [String: Any] = [
            "version": String(target.version),
            "role": target.role,
            "state": target.state.rawValue,
            "workers": target.workers,
            "ready_workers": target.readyWorkers,
            "restarts": target.restarts,
            "worker_pids": target.workerPIDs,
        ]
        if let message = target.message { object["message"] = message }
        return object
    }
}
