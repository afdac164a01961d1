import Foundation
import KeelCore
import NIOConcurrencyHelpers
@testable import KeelPipelines
import Testing

/// The local executor on real shell commands in scratch directories: what runs, what is skipped
/// or restored, what a failure stops, and what `keel.lock` and `.keel/cache` hold afterwards.
@Suite("Pipeline runner")
struct PipelineRunnerTests {
    /// A scratch pipeline directory.
    struct Scratch {
        let root: URL

        init(_ yaml: String, params: String = "") throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("keel-run-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try write("keel.yaml", yaml)
            if !params.isEmpty { try write("params.yaml", params) }
        }

        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func read(_ path: String) -> String? {
            try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }

        func run(_ targets: [String] = [], jobs: Int = 2, force: Bool = false, services: (any PipelineServices)? = nil) async throws -> PipelineResult {
            var options = PipelineRunOptions()
            options.targets = targets
            options.jobs = jobs
            options.force = force
            let runner = PipelineRunner(workspace: try PipelineWorkspace(directory: root), options: options, services: services) { _ in }
            return try await runner.run()
        }

        func remove() {
            try? FileManager.default.removeItem(at: root)
        }
    }

    static func statuses(_ result: PipelineResult) -> [String: StageStatus] {
        Dictionary(uniqueKeysWithValues: result.stages.map { ($0.stage, $0.status) })
    }

    static let chain = """
        stages:
          a:
            cmd: echo "a ${p.x}" > a.txt
            params: [p.x]
            outs: [a.txt]
          b:
            cmd: "cat a.txt a.txt > b.txt && echo '{\\"score\\": 0.5}' > m.json"
            deps: [a.txt]
            outs: [b.txt]
            metrics: [m.json]
          c:
            cmd: mkdir -p out/sub && cp a.txt out/sub/copy.txt
            deps: [a.txt]
            outs: [out]
        """

    @Test("a first run runs everything, writes keel.lock; a second run skips everything")
    func firstAndSecondRun() async throws {
        let scratch = try Scratch(Self.chain, params: "p:\n  x: 1\n")
        defer { scratch.remove() }
        let first = try await scratch.run()
        #expect(first.succeeded)
        #expect(Self.statuses(first) == ["a": .ran, "b": .ran, "c": .ran])
        #expect(scratch.read("b.txt") == "a 1\na 1\n")
        #expect(first.stages.first { $0.stage == "b" }?.metrics == ["score": 0.5])
        let lock = try PipelineLock(yaml: scratch.read("keel.lock")!)
        #expect(lock.stages.keys.sorted() == ["a", "b", "c"])
        #expect(lock.stages["a"]?.params == ["p.x": "1"])
        #expect(lock.stages["c"]?.outs.first?.files == 1)

        let second = try await scratch.run()
        #expect(Self.statuses(second) == ["a": .unchanged, "b": .unchanged, "c": .unchanged])
        #expect(scratch.read("keel.lock") == (try lock.yaml()))
        #expect(try PipelineWorkspace(directory: scratch.root).status().allSatisfy { $0.state == .upToDate })
    }

    @Test("a changed param re-runs its stage and what reads its output; changing it back restores from the run cache")
    func paramChangeAndRestore() async throws {
        let scratch = try Scratch(Self.chain, params: "p:\n  x: 1\n")
        defer { scratch.remove() }
        _ = try await scratch.run()
        try scratch.write("params.yaml", "p:\n  x: 2\n")
        let status = try PipelineWorkspace(directory: scratch.root).status()
        #expect(status.map(\.state) == [.stale, .waiting, .waiting])
        #expect(status[0].reasons.contains("param p.x: 1 → 2"))
        let changed = try await scratch.run()
        #expect(Self.statuses(changed) == ["a": .ran, "b": .ran, "c": .ran])
        #expect(scratch.read("out/sub/copy.txt") == "a 2\n")

        try scratch.write("params.yaml", "p:\n  x: 1\n")
        #expect(try PipelineWorkspace(directory: scratch.root).status().first?.cached == true)
        let back = try await scratch.run()
        #expect(Self.statuses(back) == ["a": .restored, "b": .restored, "c": .restored])
        #expect(scratch.read("b.txt") == "a 1\na 1\n")
        #expect(scratch.read("out/sub/copy.txt") == "a 1\n")
        // A restored file is the user's to edit; the cached object stays read-only.
        #expect(FileManager.default.isWritableFile(atPath: scratch.root.appendingPathComponent("b.txt").path))
    }

    @Test("an edited or deleted output makes its stage stale; the stage runs again")
    func editedOutput() async throws {
        let scratch = try Scratch(Self.chain, params: "p:\n  x: 1\n")
        defer { scratch.remove() }
        _ = try await scratch.run()
        try scratch.write("b.txt", "tampered")
        try FileManager.default.removeItem(at: scratch.root.appendingPathComponent("out"))
        let status = try PipelineWorkspace(directory: scratch.root).status()
        #expect(status.first { $0.stage == "b" }?.reasons == ["output 'b.txt' was modified"])
        #expect(status.first { $0.stage == "c" }?.reasons == ["output 'out' is missing"])
        let result = try await scratch.run()
        // Same inputs: the outputs come back from the cache rather than by running again.
        #expect(Self.statuses(result) == ["a": .unchanged, "b": .restored, "c": .restored])
        #expect(scratch.read("b.txt") == "a 1\na 1\n")
        let forced = try await scratch.run(["b"], force: true)
        #expect(Self.statuses(forced) == ["a": .ran, "b": .ran])
    }

    @Test("a failure blocks what comes after it, independent stages still run, and nothing failed is locked")
    func failureBlocks() async throws {
        let scratch = try Scratch("""
            stages:
              bad:
                cmd: echo 'about to fail'; exit 3
                outs: [bad.txt]
              after:
                cmd: cp bad.txt after.txt
                deps: [bad.txt]
                outs: [after.txt]
              later:
                cmd: echo later
                after: [after]
              free:
                cmd: echo free > free.txt
                outs: [free.txt]
            """)
        defer { scratch.remove() }
        let result = try await scratch.run(jobs: 1)
        #expect(!result.succeeded)
        #expect(Self.statuses(result) == ["bad": .failed, "after": .blocked, "later": .blocked, "free": .ran])
        let bad = result.stages.first { $0.stage == "bad" }!
        #expect(bad.reasons.first?.contains("exited with status 3") == true)
        #expect(bad.reasons.first?.contains("about to fail") == true)
        #expect(result.stages.first { $0.stage == "later" }?.reasons == ["stage 'after' did not run"])
        let lock = try PipelineLock(yaml: scratch.read("keel.lock")!)
        #expect(lock.stages.keys.sorted() == ["free"])
        #expect(scratch.read(".keel/logs/bad.log") == "about to fail\n")
    }

    @Test("a command that succeeds without writing its output fails, naming the output")
    func missingOutput() async throws {
        let scratch = try Scratch("stages:\n  a: {cmd: 'true', outs: [never.txt]}\n")
        defer { scratch.remove() }
        let result = try await scratch.run()
        #expect(result.stages[0].status == .failed)
        #expect(result.stages[0].reasons.first?.contains("did not write 'never.txt'") == true)
    }

    @Test("a stage's old outputs are removed before it runs, so a stale one never passes for new")
    func outputsRemovedFirst() async throws {
        let scratch = try Scratch("stages:\n  a: {cmd: 'test ! -e a.txt && echo new > a.txt', outs: [a.txt]}\n")
        defer { scratch.remove() }
        try scratch.write("a.txt", "old")
        let result = try await scratch.run()
        #expect(result.stages[0].status == .ran)
        #expect(scratch.read("a.txt") == "new\n")
    }

    @Test("independent stages run at the same time with --jobs 2, one after the other with --jobs 1")
    func parallelStages() async throws {
        // Each stage waits (up to 10 s) for the other to have started: they only both finish
        // if they overlap. No timing is measured.
        let yaml = """
            stages:
              left:
                cmd: touch left.started; for i in $(seq 100); do [ -e right.started ] && exit 0; sleep 0.1; done; exit 1
              right:
                cmd: touch right.started; for i in $(seq 100); do [ -e left.started ] && exit 0; sleep 0.1; done; exit 1
            """
        let parallel = try Scratch(yaml)
        defer { parallel.remove() }
        #expect(try await parallel.run(jobs: 2).succeeded)

        let serial = try Scratch(yaml.replacingOccurrences(of: "seq 100", with: "seq 3"))
        defer { serial.remove() }
        let result = try await serial.run(jobs: 1)
        #expect(result.stages.filter { $0.status == .failed }.count == 1)
    }

    @Test("keel run STAGE runs that stage and what it needs, nothing else")
    func targets() async throws {
        let scratch = try Scratch(Self.chain, params: "p:\n  x: 1\n")
        defer { scratch.remove() }
        let result = try await scratch.run(["b"])
        #expect(result.stages.map(\.stage) == ["a", "b"])
        #expect(scratch.read("out/sub/copy.txt") == nil)
        await #expect(throws: KeelError.self) { try await scratch.run(["nope"]) }
    }

    @Test("cancelling a run stops the command's whole process group")
    func cancellation() async throws {
        let scratch = try Scratch("""
            stages:
              slow:
                cmd: sh -c 'echo $$ > child.pid; sleep 30' & wait
              next:
                cmd: echo next
                after: [slow]
            """)
        defer { scratch.remove() }
        let task = Task { try await scratch.run() }
        var childPID: pid_t?
        for _ in 0..<100 where childPID == nil {
            try await Task.sleep(for: .milliseconds(50))
            childPID = scratch.read("child.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let pid = try #require(childPID)
        task.cancel()
        let result = try await task.value
        #expect(Self.statuses(result) == ["slow": .cancelled, "next": .cancelled])
        // The grandchild (the inner sh running sleep) got the signal too.
        var alive = true
        for _ in 0..<50 where alive {
            alive = kill(pid, 0) == 0
            if alive { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!alive)
        #expect((try? scratch.read("keel.lock").map { try PipelineLock(yaml: $0) })??.stages["slow"] == nil)
    }

    @Test("a second run in the same directory at the same time is refused")
    func workspaceLock() async throws {
        let scratch = try Scratch("stages:\n  a: {cmd: 'sleep 1'}\n")
        defer { scratch.remove() }
        let held = try WorkspaceLock(try PipelineWorkspace(directory: scratch.root))
        await #expect(throws: KeelError.self) { try await scratch.run() }
        held.release()
        #expect(try await scratch.run().succeeded)
    }
}
