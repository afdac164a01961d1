import NIOCore

/// Runs a task's jobs on one SwiftNIO event loop: the loop that owns the task's connection.
///
/// With SwiftNIO as the global executor, a task runs on whichever loop resumed it last; a
/// request handler woken by the SQLite writer's thread lands on any loop, and its answer then
/// crosses to the connection's loop (an `eventfd` wake-up and a context switch). A connection
/// task that prefers its own loop is resumed there directly, and every channel call it makes is
/// a plain call on the loop's thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
