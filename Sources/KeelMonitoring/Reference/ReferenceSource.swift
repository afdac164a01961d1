import Foundation
import KeelCore
import KeelRegistry
import KeelStore
import KeelTracking

/// Where a deployment's reference data comes from when it follows lineage: the training
/// dataset the served version's run logged, if that dataset's file is in Keel's artifact store.
enum LineageReference {
    /// Where a dataset's file is: a path in the artifact store, or a path inside a run's artifacts.
    enum Location: Equatable {
        case artifact(ArtifactPath)
        case run(id: String, path: ArtifactPath)

        var fileName: String {
            switch self {
            case .artifact(let path), .run(_, let path): path.lastComponent
            }
        }
    }

    /// The location and format of the dataset to use, or an error that says why none fits.
    static func locate(_ lineage: ModelVersionLineage) throws(KeelError) -> (location: Location, format: String, source: String) {
        let described = "model '\(lineage.version.name)' version \(lineage.version.version)"
        guard lineage.run != nil else {
            throw .invalidParameter("\(described) has no source run, so lineage names no training data. Upload a reference instead.")
        }
        let ordered = lineage.datasets.sorted { context(of: $0) == "training" && context(of: $1) != "training" }
        guard !ordered.isEmpty else {
            throw .invalidParameter(
                "The run of \(described) logged no dataset inputs (mlflow.log_input), so lineage names no training data. Upload a reference instead."
            )
        }
        var refusals: [String] = []
        for input in ordered {
            let dataset = input.dataset
            switch artifactPath(sourceType: dataset.sourceType, source: dataset.source) {
            case .success(let location):
                let format = location.fileName.hasSuffix(".jsonl") || location.fileName.hasSuffix(".ndjson") ? "jsonl" : "csv"
                return (location, format, "lineage:\(dataset.name)@\(dataset.digest)")
            case .failure(let reason):
                refusals.append("'\(dataset.name)' (\(reason))")
            }
        }
        throw .invalidParameter(
            "No dataset of \(described) is stored in Keel's artifact store: \(refusals.joined(separator: "; ")). Upload a reference instead."
        )
    }

    static func context(of input: DatasetInput) -> String? {
        input.tags.first { $0.key == "mlflow.data.context" }?.value
    }

    /// The artifact-store path a dataset source names, if it names one.
    ///
    /// Accepted: `runs:/<run id>/<path>` and `mlflow-artifacts:/…` URIs, and HTTP URLs of the
    /// artifact proxy (`…/api/2.0/mlflow-artifacts/artifacts/…`, what
    /// `mlflow.data.from_pandas(source=url)` records). Local paths are refused: a model's
    /// lineage must never make the server read files outside its artifact root.
    static func artifactPath(sourceType: String, source: String) -> Result<Location, SourceRefusal> {
        guard let object = LooseJSON.parse(source) else { return .failure(SourceRefusal("its source is not JSON")) }
        guard let location = object["uri"]?.string ?? object["url"]?.string else {
            return .failure(SourceRefusal("source type '\(sourceType)' names no URI"))
        }
        var relative: Substring?
        if location.hasPrefix("runs:/") {
            let rest = location.dropFirst("runs:/".count)
            guard let slash = rest.firstIndex(of: "/"), !rest[..<slash].isEmpty else {
                return .failure(SourceRefusal("'\(location)' names no file inside the run"))
            }
            do {
                let path = try ArtifactPath(validating: String(rest[rest.index(after: slash)...]))
                guard !path.isRoot else { return .failure(SourceRefusal("'\(location)' names no file inside the run")) }
                return .success(.run(id: String(rest[..<slash]), path: path))
            } catch {
                return .failure(SourceRefusal(error.message))
            }
        } else if location.hasPrefix("mlflow-artifacts:") {
            relative = location.dropFirst("mlflow-artifacts:".count).drop { $0 == "/" }
        } else if location.hasPrefix("http://") || location.hasPrefix("https://"), let components = URLComponents(string: location),
            let range = components.path.range(of: "/api/2.0/mlflow-artifacts/artifacts/")
        {
            relative = components.path[range.upperBound...]
        }
        guard let relative else {
            return .failure(SourceRefusal("'\(location)' is not in Keel's artifact store"))
        }
        do {
            let path = try ArtifactPath(validating: String(relative))
            guard !path.isRoot else { return .failure(SourceRefusal("'\(location)' names the artifact root")) }
            return .success(.artifact(path))
        } catch {
            return .failure(SourceRefusal(error.message))
        }
    }

    struct SourceRefusal: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
