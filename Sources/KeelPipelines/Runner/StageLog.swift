import Foundation
import NIOConcurrencyHelpers

/// A stage's output for this run: each line goes to `.keel/logs/<stage>.log` (later uploaded to
/// the stage's tracking run) and to the progress display as it arrives; the last lines are kept
/// for the failure message.
final class StageLog: Sendable {
    private static let keptLines = 40
    let url: URL
    private let stage: String
    private let emit: @Sendable (PipelineEvent) -> Void
    private let state: NIOLockedValueBox<(handle: FileHandle?, tail: [String])>

    init(url: URL, stage: String, emit: @escaping @Sendable (PipelineEvent) -> Void) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        self.url = url
        self.stage = stage
        self.emit = emit
        state = NIOLockedValueBox((try FileHandle(forWritingTo: url), []))
    }

    /// Appends one line.
    func write(_ line: String) {
        state.withLockedValue { state in
            state.handle?.write(Data((line + "\n").utf8))
            state.tail.append(line)
            if state.tail.count > Self.keptLines { state.tail.removeFirst(state.tail.count - Self.keptLines) }
        }
        var event = PipelineEvent(.stageOutput, stage: stage)
        event.message = line
        emit(event)
    }

    /// The last lines written.
    var tail: [String] {
        state.withLockedValue { $0.tail }
    }

    /// Flushes and closes the file.
    func close() {
        state.withLockedValue { state in
            try? state.handle?.close()
            state.handle = nil
        }
    }
}
