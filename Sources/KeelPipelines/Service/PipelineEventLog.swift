import Foundation
import Logging
import NIOConcurrencyHelpers

/// A server-side run's events, kept in memory as they come and written to the store in
/// batches (a busy command prints thousands of lines), so `GET .../events` follows the run
/// live from any replica.
final class PipelineEventLog: Sendable {
    private let runID: Int64
    private let store: PipelineStore
    private let logger: Logger
    private let state = NIOLockedValueBox<(pending: [String], next: Int64)>(([], 1))

    init(runID: Int64, store: PipelineStore, logger: Logger) {
        self.runID = runID
        self.store = store
        self.logger = logger
    }

    /// Keeps one event (called from the runner, on any thread).
    func record(_ event: PipelineEvent) {
        guard let text = try? PipelineStore.encode(event) else { return }
        state.withLockedValue { $0.pending.append(text) }
    }

    /// Writes what is pending, in order (callers do not overlap: the periodic flusher, then one
    /// last call after it has stopped).
    func flush() async {
        let (batch, first) = state.withLockedValue { state -> ([String], Int64) in
            defer {
                state.next += Int64(state.pending.count)
                state.pending = []
            }
            return (state.pending, state.next)
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.appendEvents(runID, firstSequence: first, batch)
        } catch {
            // Put them back, numbers and all, for the next flush to try again.
            state.withLockedValue { state in
                state.pending = batch + state.pending
                state.next -= Int64(batch.count)
            }
            logger.warning("pipeline run \(runID): could not store \(batch.count) event(s) yet: \(String(reflecting: error))")
        }
    }
}
