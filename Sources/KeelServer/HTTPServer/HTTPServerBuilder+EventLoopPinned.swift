import HummingbirdCore
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 server, each connection's task pinned to the connection's event loop.
    ///
    /// See ``EventLoopTaskExecutor`` for why: it saves a thread hop on every request that waits
    /// for the database, and spreads the request work evenly over the loops.
    static func http1PinnedToEventLoops(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in
            EventLoopPinnedChildChannel(base: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}

/// A server child channel whose handling task prefers the channel's own event loop.
struct EventLoopPinnedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Base.Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}
