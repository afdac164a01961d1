import Dispatch
import Foundation
import Synchronization

/// A dedicated thread that runs tasks which prefer it, one job at a time, in arrival order.
///
/// SQLite's C calls block: a statement waits on the disk and a commit on `fsync`. They must not
/// run on Swift's shared cooperative pool, yet handing every statement to a thread pool and back
/// costs two context switches each (sqlite-nio does, and measured about 0.2 ms a statement
/// here). A task that prefers this executor (`withTaskExecutorPreference`) instead runs its
/// whole transaction here: every statement is a plain function call on the thread that owns the
/// connection, and the only switches left are the one in and the one out.
final class DatabaseThread: TaskExecutor, @unchecked Sendable {
    private struct State {
        var jobs: [UnownedJob] = []
        var head = 0
        var stopping = false
    }

    private let state = Mutex(State())
    /// Counts queued jobs (plus one for a stop request), so the thread sleeps only when idle.
    private let signal = DispatchSemaphore(value: 0)
    /// Set once, on the thread itself, before any job runs.
    nonisolated(unsafe) private var thread: Thread?

    /// Starts the thread; `name` shows in debuggers and `top -H`.
    init(name: String) {
        let started = DispatchSemaphore(value: 0)
        // The thread keeps `self` alive until ``stop()``.
        let thread = Thread {
            self.thread = Thread.current
            started.signal()
            self.runLoop()
        }
        thread.name = name
        thread.start()
        started.wait()
    }

    /// Whether the caller is running on this thread right now.
    var isCurrent: Bool {
        Thread.current === thread
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { $0.jobs.append(job) }
        signal.signal()
    }

    /// Lets the thread end once it has run the jobs queued so far; returns without waiting.
    ///
    /// Call once no task prefers this executor any more: a job enqueued afterwards never runs.
    func stop() {
        state.withLock { $0.stopping = true }
        signal.signal()
    }

    private func runLoop() {
        let executor = asUnownedTaskExecutor()
        while true {
            signal.wait()
            let next = state.withLock { state -> UnownedJob? in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return job
            }
            guard let next else {
                // Every job brings its own signal, so an empty queue means this was the stop request.
                if state.withLock({ $0.stopping }) { return }
                continue
            }
            next.runSynchronously(on: executor)
        }
    }
}
