import Synchronization
import SQLKit

/// Serialises every write to SQLite through one connection and commits concurrent writes together.
///
/// SQLite allows one writer at a time, and with `synchronous=FULL` each commit waits for the
/// disk. Rather than one fsync per request, writes that queue up while a commit is in flight
/// share the next transaction (group commit). Callers are answered only after the shared
/// COMMIT returned, so an acknowledged write is on disk.
///
/// A batch first runs optimistically, its writes one after the other with nothing between
/// them: every statement here holds up every queued request, and writes rarely fail. When one
/// does fail, the transaction is rolled back and the batch runs again with each write inside
/// its own SAVEPOINT, so the failing write rolls back alone. A write's body may therefore run
/// twice; only the run that is committed (or the last failure) answers its caller.
final class GroupCommitWriter: Sendable {
    /// What one queued write produced, to deliver once the batch's fate is known.
    private struct Outcome: Sendable {
        let succeeded: Bool
        let deliver: @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    /// A queued write: `run` performs it, `reject` answers the caller without running it.
    private struct PendingWrite: Sendable {
        let run: @Sendable (any SQLDatabase) async -> Outcome
        let reject: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [PendingWrite] = []
        var draining = false
    }

    /// The statements that open and close transactions and savepoints, serialized once: a
    /// batch runs at least two of them, on the writer, where every microsecond delays the queue.
    private struct Control: Sendable {
        let begin: PreparedStatement
        let commit: PreparedStatement
        let rollback: PreparedStatement
        let savepoint: PreparedStatement
        let rollbackToSavepoint: PreparedStatement
        let releaseSavepoint: PreparedStatement

        init(begin: SQLQueryString, dialect: StoreDialect) throws {
            self.begin = try dialect.prepare(begin)
            commit = try dialect.prepare("COMMIT")
            rollback = try dialect.prepare("ROLLBACK")
            savepoint = try dialect.prepare("SAVEPOINT keel_write")
            rollbackToSavepoint = try dialect.prepare("ROLLBACK TO keel_write")
            releaseSavepoint = try dialect.prepare("RELEASE keel_write")
        }
    }

    private let database: any SQLDatabase
    private let control: Control
    private let executor: (any TaskExecutor)?
    private let state = Mutex(State())

    /// - Parameters:
    ///   - database: the single writer connection.
    ///   - beginStatement: how to open a write transaction (`BEGIN IMMEDIATE` on SQLite, so a
    ///     transaction never has to upgrade its lock half-way and fail with SQLITE_BUSY).
    ///   - dialect: the database's, to serialize the transaction statements once.
    ///   - executor: where batches run; the connection's own thread, so that every statement of
    ///     a batch is a direct call rather than a trip to a thread pool and back.
    init(database: any SQLDatabase, beginStatement: SQLQueryString, dialect: StoreDialect, executor: (any TaskExecutor)? = nil) throws {
        self.database = database
        self.control = try Control(begin: beginStatement, dialect: dialect)
        self.executor = executor
    }

    /// Runs `body` in a transaction shared with other concurrent writes and returns once committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = PendingWrite(
                run: { database in
                    do {
                        let value = try await body(database)
                        return Outcome(
                            succeeded: true,
                            deliver: { continuation.resume(returning: value) },
                            fail: { continuation.resume(throwing: $0) }
                        )
                    } catch {
                        return Outcome(
                            succeeded: false,
                            deliver: { continuation.resume(throwing: error) },
                            fail: { _ in continuation.resume(throwing: error) }
                        )
                    }
                },
                reject: { continuation.resume(throwing: $0) }
            )
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                Task(executorPreference: executor) { await self.drain() }
            }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [PendingWrite] in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    /// Opens the batch's transaction; when that fails, every write of the batch is refused.
    private func begin(_ batch: [PendingWrite]) async -> Bool {
        do {
            try await database.run(control.begin)
            return true
        } catch {
            for write in batch { write.reject(error) }
            return false
        }
    }

    private func commit(_ batch: [PendingWrite]) async {
        guard await begin(batch) else { return }
        if batch.count == 1 {
            // Alone in its transaction, a write needs no savepoint: if it fails, the whole
            // transaction is its own to roll back. Two statements fewer per lone write.
            let outcome = await batch[0].run(database)
            guard outcome.succeeded else {
                try? await database.run(control.rollback)
                outcome.deliver()
                return
            }
            do {
                try await database.run(control.commit)
                outcome.deliver()
            } catch {
                try? await database.run(control.rollback)
                outcome.fail(error)
            }
            return
        }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        for write in batch {
            let outcome = await write.run(database)
            guard outcome.succeeded else {
                // Nobody has been answered yet: undo the batch and run it again, isolated.
                try? await database.run(control.rollback)
                await commitIsolated(batch)
                return
            }
            outcomes.append(outcome)
        }
        await finish(outcomes)
    }

    /// Runs a batch with each write in its own savepoint, after a write failed in the optimistic run.
    private func commitIsolated(_ batch: [PendingWrite]) async {
        guard await begin(batch) else { return }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        for write in batch {
            outcomes.append(await runIsolated(write))
        }
        await finish(outcomes)
    }

    /// Commits the open transaction and answers every write of it.
    private func finish(_ outcomes: [Outcome]) async {
        do {
            try await database.run(control.commit)
            for outcome in outcomes { outcome.deliver() }
        } catch {
            try? await database.run(control.rollback)
            for outcome in outcomes { outcome.fail(error) }
        }
    }

    /// Runs one write inside a savepoint so its failure undoes only its own changes.
    private func runIsolated(_ write: PendingWrite) async -> Outcome {
        do {
            try await database.run(control.savepoint)
        } catch {
            write.reject(error)
            return Outcome(succeeded: false, deliver: {}, fail: { _ in })
        }
        let outcome = await write.run(database)
        do {
            if !outcome.succeeded {
                try await database.run(control.rollbackToSavepoint)
            }
            try await database.run(control.releaseSavepoint)
            return outcome
        } catch {
            // The savepoint could not be closed cleanly: this write's effect is unknown, so it fails.
            return Outcome(succeeded: false, deliver: { outcome.fail(error) }, fail: { _ in outcome.fail(error) })
        }
    }
}
