import Foundation
import KeelCore
import NIOCore
import Testing
@testable import KeelStore

@Suite("Local artifact store")
struct LocalArtifactStoreTests {
    private func withStore(_ body: (LocalArtifactStore, URL) async throws -> Void) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("keel-artifacts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let store = try await LocalArtifactStore(rootPath: base.appendingPathComponent("root").path)
        try await body(store, base)
    }

    private func chunks(_ parts: [String]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for part in parts { continuation.yield(ByteBuffer(string: part)) }
            continuation.finish()
        }
    }

    private func readAll(_ store: LocalArtifactStore, _ path: ArtifactPath) async throws -> String {
        var collected = ""
        try await store.read(path) { collected += String(buffer: $0) }
        return collected
    }

    @Test("write, read, list and delete round-trip")
    func roundTrip() async throws {
        try await withStore { store, _ in
            let path = try ArtifactPath(validating: "1/run/artifacts/sub/hello.txt")
            #expect(try await store.write(path, from: chunks(["hello ", "world"])) == 11)
            #expect(try await readAll(store, path) == "hello world")
            #expect(try await store.kind(of: path) == .file(size: 11))
            let listing = try await store.list(try ArtifactPath(validating: "1/run/artifacts"))
            #expect(listing == [ArtifactEntry(name: "sub", isDirectory: true, size: nil)])
            #expect(try await store.list(path) == nil)
            try await store.delete(try ArtifactPath(validating: "1/run/artifacts/sub"))
            #expect(try await store.kind(of: path) == nil)
        }
    }

    @Test("symbolic links inside the root are never followed")
    func symlinks() async throws {
        try await withStore { store, base in
            let outside = base.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try "secret".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(
                at: base.appendingPathComponent("root/link"), withDestinationURL: outside
            )
            let throughLink = try ArtifactPath(validating: "link/secret.txt")
            await #expect(throws: KeelError.self) { try await readAll(store, throughLink) }
            await #expect(throws: KeelError.self) { _ = try await store.write(throughLink, from: chunks(["x"])) }
            await #expect(throws: KeelError.self) { _ = try await store.write(try ArtifactPath(validating: "link/new.txt"), from: chunks(["x"])) }
            #expect(try String(contentsOf: outside.appendingPathComponent("secret.txt"), encoding: .utf8) == "secret")
            #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("new.txt").path))
            #expect(try await store.list(.root)?.contains { $0.name == "link" } == false)
        }
    }

    @Test("a failed upload leaves the previous content in place")
    func failedUpload() async throws {
        struct Interrupted: Error {}
        try await withStore { store, _ in
            let path = try ArtifactPath(validating: "f.bin")
            _ = try await store.write(path, from: chunks(["original"]))
            let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(string: "partial"))
                continuation.finish(throwing: Interrupted())
            }
            await #expect(throws: Interrupted.self) { _ = try await store.write(path, from: failing) }
            #expect(try await readAll(store, path) == "original")
        }
    }
}
