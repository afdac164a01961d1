import Foundation
import NIOConcurrencyHelpers

/// A shell command running in its own process group, its stdout and stderr merged into one
/// stream of lines.
///
/// Its own group, because a stage's command is often a shell that starts other programs:
/// cancelling a stage must stop all of them, not only the shell (Foundation's `Process` leaves
/// the grandchildren running). The output pipe is read and the child reaped on a dedicated
/// thread, so nothing blocks Swift's shared executor.
final class ChildProcess: Sendable {
    /// The child's process id, which is also its process group id.
    let pid: pid_t
    private let exit: NIOLockedValueBox<ExitWaiters>

    private struct ExitWaiters {
        var status: Int32?
        var continuations: [CheckedContinuation<Int32, Never>] = []
    }

    /// Starts `/bin/sh -c command` in `directory` with `environment`; every output line goes to
    /// `onLine` (from the reader thread, in order).
    init(command: String, directory: String, environment: [String: String], onLine: @escaping @Sendable (String) -> Void) throws {
        // Close-on-exec, or a stage started at the same time would inherit this pipe's write end
        // and hold it open: this stage's output would not end until that one's did.
        var fds: [Int32] = [0, 0]
        guard keel_pipe2(&fds, O_CLOEXEC) == 0 else { throw ChildProcessError.cannotStart("pipe2 failed: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (fds[0], fds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        keel_posix_spawn_file_actions_addchdir_np(&actions, directory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argumentTexts = ["/bin/sh", "-c", command]
        let environmentTexts = environment.map { "\($0.key)=\($0.value)" }
        let arguments: [UnsafeMutablePointer<CChar>?] = argumentTexts.map { strdup($0) } + [nil]
        let environmentStrings: [UnsafeMutablePointer<CChar>?] = environmentTexts.map { strdup($0) } + [nil]
        defer {
            arguments.forEach { free($0) }
            environmentStrings.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, environmentStrings)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw ChildProcessError.cannotStart("cannot start /bin/sh: \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        let exit = NIOLockedValueBox(ExitWaiters())
        self.exit = exit
        let childPID = pid
        let thread = Thread {
            Self.readLines(from: readEnd, onLine: onLine)
            close(readEnd)
            let status = Self.reap(childPID)
            let waiters = exit.withLockedValue { state -> [CheckedContinuation<Int32, Never>] in
                state.status = status
                defer { state.continuations = [] }
                return state.continuations
            }
            waiters.forEach { $0.resume(returning: status) }
        }
        thread.name = "keel-stage-\(childPID)"
        thread.start()
    }

    /// Waits for the child to exit: its exit code, or 128 + the signal that ended it (as shells report).
    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.withLockedValue { state -> Int32? in
                if let status = state.status { return status }
                state.continuations.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) {
        let finished = exit.withLockedValue { $0.status != nil }
        if !finished { _ = kill(-pid, signal) }
    }

    /// Reads until end of file, splitting on newlines (a last line without one is delivered too).
    private static func readLines(from descriptor: Int32, onLine: (String) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                onLine(String(decoding: pending[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
    }

    /// Waits for the child and turns its wait status into a shell-style exit code.
    private static func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 127 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// A command that could not be started at all.
enum ChildProcessError: Error, CustomStringConvertible {
    case cannotStart(String)

    var description: String {
        switch self {
        case .cannotStart(let why): why
        }
    }
}

// glibc has both (2.9 and 2.29), but Swift's Glibc module hides them behind _GNU_SOURCE.
@_silgen_name("pipe2")
private func keel_pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

@_silgen_name("posix_spawn_file_actions_addchdir_np")
@discardableResult
private func keel_posix_spawn_file_actions_addchdir_np(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
