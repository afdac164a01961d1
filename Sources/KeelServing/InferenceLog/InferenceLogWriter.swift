public import KeelStore
public import Logging
import NIOConcurrencyHelpers
import SQLKit

/// Writes inference records in batches, off the request path.
///
/// ``append(_:)`` only takes a lock and appends to a bounded buffer; ``run()`` flushes it
/// every ``flushInterval`` in one transaction. When the buffer is full, new records are
/// dropped and counted (`keel_inference_log_dropped_total`) rather than slowing requests.
/// ``run()`` flushes what is left when it is cancelled (clean shutdown loses nothing); a
/// `kill -9` loses at most the records of the last flush interval.
public final class InferenceLogWriter: Sendable {
    /// How often buffered records are written.
    public static let flushInterval: Duration = .milliseconds(100)
    /// The most records held in memory.
    public let capacity: Int

    private let store: any MetadataStore
    private let metrics: ServingMetrics
    private let logger: Logger
    private let buffer = NIOLockedValueBox<[InferenceRecord]>([])

    /// Creates a writer into `store`'s `inference_log` table.
    public init(store: any MetadataStore, metrics: ServingMetrics, logger: Logger, capacity: Int = 100_000) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.capacity = capacity
    }

    /// Queues a record; never waits.
    public func append(_ record: InferenceRecord) {
        let accepted = buffer.withLockedValue { buffer in
            guard buffer.count < capacity else { return false }
            buffer.append(record)
            return true
        }
        if !accepted { metrics.recordDroppedLogRecords(1) }
    }

    /// Flushes periodically until cancelled, then flushes the rest.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.flushInterval)
            await flush()
        }
        await flush()
    }

    /// Writes everything buffered now.
    public func flush() async {
        let records = buffer.withLockedValue { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard !records.isEmpty else { return }
        let rowsPerStatement = max(1, store.dialect.maxBindsPerStatement / Self.columns.count)
        do {
            try await store.write { database in
                for chunk in records.chunked(into: min(rowsPerStatement, 500)) {
                    let insert = database.insert(into: "inference_log").columns(Self.columns)
                    for record in chunk { insert.values(Self.values(record)) }
                    try await insert.run()
                }
            }
        } catch {
            // The records are lost; say how many so an operator can tell.
            logger.error("could not write \(records.count) inference-log records: \(error)")
            metrics.recordDroppedLogRecords(records.count)
        }
    }

    static let columns = [
        "request_id", "role", "deployment", "model_version", "protocol", "status", "latency_us", "timestamp_ms",
        "request_body", "response_body", "caller",
    ]

    private static func values(_ record: InferenceRecord) -> [any SQLExpression] {
        [
            SQLBind(record.requestID), SQLBind(record.role), SQLBind(record.deployment), SQLBind(record.modelVersion),
            SQLBind(record.protocolName), SQLBind(Int64(record.status)), SQLBind(record.latencyMicroseconds),
            SQLBind(record.timestampMilliseconds), SQLBind(record.requestBody), SQLBind(record.responseBody), SQLBind(record.caller),
        ]
    }
}
