import Foundation
import KeelCore

/// An exclusive lock on a pipeline's directory for the length of a run (`.keel/run.lock`,
/// `flock`), so two `keel run`s never write the same outputs or `keel.lock` at once. The kernel
/// drops it when the process dies, so a killed run never leaves the directory locked.
final class WorkspaceLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or fails at once naming the process that holds it.
    init(_ workspace: PipelineWorkspace) throws {
        try FileManager.default.createDirectory(at: workspace.stateDirectory, withIntermediateDirectories: true)
        let path = workspace.stateDirectory.appendingPathComponent("run.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw KeelError.invalidParameter("Cannot open \(path): \(String(cString: strerror(errno))).")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw KeelError.invalidParameter(
                "Another keel run\(holder.isEmpty ? "" : " (process \(holder))") is running in \(workspace.directory.path); wait for it to finish."
            )
        }
        _ = ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    /// Releases the lock.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
