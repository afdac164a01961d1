import NIOCore
import NIOPosix

/// The event loops that own HTTP connections: a group of their own, one loop per core, made
/// once per process and kept for its life (like SwiftNIO's singleton group).
///
/// SwiftNIO's singleton group also runs Swift's tasks (`keel` makes it the global executor),
/// and a task resumed from outside its loops, by a timer or the SQLite writer's thread, takes
/// the group's next loop in turn. The listening socket hands out new connections by the same
/// turn, so background timers decided where connections landed: under the ingest benchmark,
/// five of eight connections on one loop and three on the other, a different split each run.
/// In a group of their own, connections alternate between the loops, and each connection's
/// task runs on its connection's loop (``EventLoopTaskExecutor``).
enum HTTPEventLoops {
    /// The group Keel's HTTP servers listen on.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
}
