import Logging

/// swift-log's standard-error handler, with a logger's metadata formatted only when a message
/// is written.
///
/// `StreamLogHandler` renders its metadata to text each time a key is set. Hummingbird sets a
/// request id on the logger of every request, and most requests log nothing, so under ingest
/// that rendering (the id's hex, a sorted join) was over 1% of the server's CPU. This handler
/// keeps the metadata as it is set and hands it to a `StreamLogHandler` with each message, which
/// then writes exactly what it wrote before.
struct LazyMetadataLogHandler: LogHandler {
    private var output: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    /// Writes to standard error, as swift-log's default handler does.
    init(label: String) {
        self.init(output: StreamLogHandler.standardError(label: label))
    }

    /// Writes through `output`, whose own metadata stays empty.
    init(output: StreamLogHandler) {
        self.output = output
    }

    var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { output.metadataProvider }
        set { output.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        output.log(event: event)
    }
}
