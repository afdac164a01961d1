import Synchronization

/// Experiment ids already seen to exist, so trace ingest checks the database once per
/// experiment instead of once per request.
///
/// Only existence is remembered, never absence: Keel never removes an experiment's row (a
/// deleted experiment keeps it, in the `deleted` stage), so a remembered id stays true, also
/// for other servers sharing the database. The set is bounded; when full it starts over.
final class KnownExperiments: Sendable {
    private let ids = Mutex(Set<Int64>())
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Whether `id` was remembered.
    func contains(_ id: Int64) -> Bool {
        ids.withLock { $0.contains(id) }
    }

    /// Remembers that `id` exists.
    func remember(_ id: Int64) {
        ids.withLock { ids in
            if ids.count >= capacity { ids.removeAll(keepingCapacity: true) }
            ids.insert(id)
        }
    }
}
