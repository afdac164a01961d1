import Logging
import Synchronization
import Testing
@testable import keel

/// Keel's log handler writes what swift-log's `StreamLogHandler` writes; it only formats a
/// logger's metadata when a message goes out instead of each time a key is set.
@Suite("Log handler")
struct LazyMetadataLogHandlerTests {
    /// Collects what a handler writes.
    private final class Capture: TextOutputStream, Sendable {
        private let text = Mutex("")
        var written: String { text.withLock { $0 } }
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    /// A line without its leading timestamp, which may differ by a second between two loggers.
    private static func withoutTimestamp(_ line: String) -> Substring {
        line.drop { $0 != " " }
    }

    @Test("messages, levels and metadata come out as StreamLogHandler writes them")
    func sameOutput() {
        let lazy = Capture()
        let eager = Capture()
        var lazyLogger = Logger(label: "keel.test") { _ in LazyMetadataLogHandler(output: StreamLogHandler(label: "keel.test", stream: lazy)) }
        var eagerLogger = Logger(label: "keel.test") { _ in StreamLogHandler(label: "keel.test", stream: eager) }
        for index in 0..<2 {
            lazyLogger[metadataKey: "hb.request.id"] = "\(index)"
            eagerLogger[metadataKey: "hb.request.id"] = "\(index)"
            lazyLogger[metadataKey: "b"] = ["x": "1"]
            eagerLogger[metadataKey: "b"] = ["x": "1"]
        }
        lazyLogger.logLevel = .debug
        eagerLogger.logLevel = .debug
        for logger in [lazyLogger, eagerLogger] {
            logger.trace("not written below debug")
            logger.debug("a message")
            logger.info("with its own metadata", metadata: ["b": "overrides", "c": "2"])
        }
        #expect(lazyLogger[metadataKey: "hb.request.id"] == "1")
        let lazyLines = lazy.written.split(separator: "\n").map { Self.withoutTimestamp(String($0)) }
        let eagerLines = eager.written.split(separator: "\n").map { Self.withoutTimestamp(String($0)) }
        #expect(lazyLines.count == 2)
        #expect(lazyLines == eagerLines)
        #expect(lazyLines.last?.contains("b=overrides c=2 hb.request.id=1") == true)
    }
}
