public import Foundation
public import Hummingbird
public import KeelGovernance

/// The per-request context of Keel's HTTP server.
///
/// MLflow's JSON conventions (NaN as strings) are set once here, so handlers just return DTOs.
public struct KeelRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, once `--auth` has checked it (nil with auth off: everyone may do everything).
    public var identity: Identity?

    /// The client's address, for the audit log.
    public var remoteAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Dataset profiles may be up to 16 MiB by MLflow's limits; anything bigger is refused.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    public var responseEncoder: JSONEncoder { MLflowJSON.encoder }
    public var requestDecoder: JSONDecoder { MLflowJSON.decoder }
}

/// A context that knows who is calling, for the inference log (generic controllers, such as
/// scoring, also run under `keel serve`'s plain context, which does not).
protocol CallerIdentifying {
    var callerName: String? { get }
}

extension KeelRequestContext: CallerIdentifying {
    var callerName: String? { identity?.username }
}
