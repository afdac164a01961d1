import Foundation
import KeelClient
import KeelPipelines
import ServiceLifecycle

/// Runs registered pipelines for as long as the server runs. Runs record through the server's
/// own REST API over loopback, exactly as `keel run --server` would, so a server-side run and a
/// command-line run leave the same tracking runs, registry versions and deployments.
struct PipelineSchedulerService: Service {
    let pipelines: PipelineService
    let serverAddress: ServerAddressBox
    /// With `--auth`, what the runs' loopback calls authenticate with.
    let internalToken: String?

    func run() async throws {
        await cancelWhenGracefulShutdown {
            guard let address = await serverAddress.url(), let url = URL(string: address) else { return }
            let client = ServerClient(baseURL: url, authorization: internalToken.map { "Bearer \($0)" })
            await pipelines.run { directory in ServerPipelineServices(client: client, directory: directory) }
        }
    }
}
