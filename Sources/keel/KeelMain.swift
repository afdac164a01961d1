import ArgumentParser
import Logging
import NIOCore
import NIOPosix

/// The program's entry point: runs ``Keel`` on SwiftNIO's event loops.
@main
enum KeelMain {
    static func main() async {
        // Swift concurrency's jobs run on SwiftNIO's event loops rather than on a pool of their
        // own. A request handler then runs on the event loop that read the request and writes
        // its answer from there, instead of crossing to the cooperative pool and back: two
        // thread switches fewer per request. It has to happen first, on the main thread.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        LoggingSystem.bootstrap(LazyMetadataLogHandler.init(label:))
        await Keel.main(nil)
    }
}
