import Foundation
import KeelPipelines
import NIOConcurrencyHelpers

/// Prints a pipeline run's events as they happen: one JSON object per line for programs
/// (`--json`), or aligned lines for people with each command's output prefixed by its stage.
final class PipelineProgress: Sendable {
    private let json: Bool
    private let quiet: Bool
    private let width: Int
    private let lock = NIOLock()

    init(json: Bool, quiet: Bool, stageNames: [String]) {
        self.json = json
        self.quiet = quiet
        width = stageNames.map(\.count).max() ?? 8
    }

    /// Prints a line for people (nothing with `--json`).
    func say(_ line: String) {
        guard !json else { return }
        lock.withLock { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }

    /// Prints one event (from any thread; lines never interleave).
    func show(_ event: PipelineEvent) {
        if quiet && event.event == .stageOutput { return }
        let text = json ? jsonLine(event) : humanLines(event)
        guard let text else { return }
        lock.withLock {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    private func jsonLine(_ event: PipelineEvent) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) }
    }

    private func humanLines(_ event: PipelineEvent) -> String? {
        let stage = (event.stage ?? "").padding(to: width)
        switch event.event {
        case .pipelineStarted:
            return nil
        case .stageStarted:
            let why = (event.reasons ?? []).first.map { "  (\($0)\((event.reasons?.count ?? 0) > 1 ? ", …" : ""))" } ?? ""
            return "  \(stage)  ▶ running    \(event.cmd ?? "")\(why)"
        case .stageOutput:
            return "  \(stage)  │ \(event.message ?? "")"
        case .stageFinished:
            let status = event.status ?? .failed
            let seconds = event.seconds.map { String(format: "%.1fs", $0) } ?? ""
            var line = "  \(stage)  \(Self.symbol(status)) \(status.rawValue.padding(to: 10)) \(seconds.padding(to: 7))"
            switch status {
            case .failed, .blocked, .cancelled:
                let reasons = event.reasons ?? []
                line += reasons.first ?? ""
                for reason in reasons.dropFirst() { line += "\n  \(String(repeating: " ", count: width))               \(reason)" }
            case .restored:
                line += "from the run cache"
            case .unchanged:
                line += "up to date"
            case .ran:
                if let result = event.result, let version = result["version"] {
                    line += result["deployment"].map { "version \(version) is \(result["role"] ?? "deployed") on '\($0)'" }
                        ?? "registered \(result["model"] ?? "") version \(version)"
                }
            }
            return line
        case .pipelineFinished:
            let counts = event.counts ?? [:]
            let summary = StageStatus.allCases.compactMap { status in counts[status.rawValue].map { "\($0) \(status.rawValue)" } }.joined(separator: ", ")
            let verdict = event.succeeded == true ? "Pipeline succeeded" : "Pipeline failed"
            return "\(verdict): \(summary) (\(String(format: "%.1f", event.seconds ?? 0)) s)."
        }
    }

    private static func symbol(_ status: StageStatus) -> String {
        switch status {
        case .ran: "✔"
        case .restored: "↺"
        case .unchanged: "="
        case .failed: "✖"
        case .blocked: "⊘"
        case .cancelled: "■"
        }
    }
}
