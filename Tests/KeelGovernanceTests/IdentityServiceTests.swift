import Foundation
import KeelCore
@testable import KeelGovernance
import KeelStore
import KeelTestSupport
import Testing

/// Users and tokens (migration 7) on every backend: passwords hashed slowly and checked,
/// tokens stored only as hashes, expiry, revocation and the lockout after failed logins.
@Suite("Identities")
struct IdentityServiceTests {
    /// A low bcrypt cost keeps the tests fast; the cost is stored in each hash.
    static func service(_ store: any MetadataStore) -> IdentityService {
        IdentityService(store: store, bcryptCost: 4)
    }

    @Test("passwords are bcrypt-hashed and checked; wrong ones and unknown users get nothing", arguments: TestBackend.enabled)
    func passwords(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let identities = Self.service(store)
            #expect(try await identities.bootstrapAdmin(username: "admin", password: "correct horse battery") == nil)
            #expect(try await identities.bootstrapAdmin(username: "admin", password: nil) == nil, "an existing admin is left alone")
            let stored = try await IdentityStore(store: store).userRow("admin")
            #expect(stored?.passwordHash.hasPrefix("$2") == true && stored?.passwordHash.contains("correct") == false)

            let admin = try await identities.authenticate(username: "admin", password: "correct horse battery")
            #expect(admin == Identity(username: "admin", isAdmin: true, method: .password))
            // Remembered after the first check, and still right.
            #expect(try await identities.authenticate(username: "admin", password: "correct horse battery") == admin)
            #expect(try await identities.authenticate(username: "admin", password: "wrong horse battery") == nil)
            #expect(try await identities.authenticate(username: "nobody", password: "correct horse battery") == nil)

            try await identities.addUser("alice", password: "alice's long password", isAdmin: false)
            #expect(try await identities.authenticate(username: "alice", password: "alice's long password")?.isAdmin == false)
            try await identities.updateUser("alice", password: "a brand new password", isAdmin: nil)
            #expect(try await identities.authenticate(username: "alice", password: "alice's long password") == nil, "the old password stops working at once")
            #expect(try await identities.authenticate(username: "alice", password: "a brand new password") != nil)

            await #expect(throws: KeelError.self) { try await identities.addUser("alice", password: "another long one", isAdmin: false) }
            await #expect(throws: KeelError.self) { try await identities.addUser("bob", password: "short", isAdmin: false) }
            await #expect(throws: KeelError.self) { try await identities.addUser("bad name", password: "long enough password", isAdmin: false) }
            await #expect(throws: KeelError.self) {
                try await identities.addUser("carol", password: String(repeating: "x", count: 73), isAdmin: false)
            }
            #expect(try await identities.users().map(\.username) == ["admin", "alice"])
        }
    }

    @Test("a generated admin password is returned once and works", arguments: [TestBackend.sqlite])
    func generatedAdmin(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let identities = Self.service(store)
            let password = try #require(try await identities.bootstrapAdmin(username: "root", password: nil))
            #expect(password.count == 24)
            #expect(try await identities.authenticate(username: "root", password: password)?.isAdmin == true)
        }
    }

    @Test("five failed logins lock the user, even with the right password; a new password lifts it", arguments: TestBackend.enabled)
    func lockout(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let identities = Self.service(store)
            try await identities.addUser("mallory", password: "the real password", isAdmin: false)
            for _ in 0..<Int(IdentityService.lockoutThreshold) {
                #expect(try await identities.authenticate(username: "mallory", password: "a wrong guess!!") == nil)
            }
            #expect(try await identities.user("mallory").lockedUntil != nil)
            #expect(try await identities.authenticate(username: "mallory", password: "the real password") == nil)
            try await identities.updateUser("mallory", password: "another real password", isAdmin: nil)
            #expect(try await identities.authenticate(username: "mallory", password: "another real password") != nil)
        }
    }

    @Test("tokens are stored as hashes, and stop working when revoked, expired or their user is deleted", arguments: TestBackend.enabled)
    func tokens(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let identities = Self.service(store)
            try await identities.addUser("ci", password: "a long ci password", isAdmin: false)
            let (token, secret) = try await identities.createToken(for: "ci", name: "nightly", expiresInDays: 30)
            #expect(secret.hasPrefix("keel_") && secret.count > 40)
            #expect(token.expiresAt! > Timestamp.nowMillis() + 29 * 86_400_000)
            let found = try await store.read { database in
                try await database.raw("SELECT token_hash FROM api_tokens").all(decoding: [String: String].self)
            }
            #expect(found == [["token_hash": Secrets.sha256(secret)]], "only the hash is stored")
            #expect(try await identities.authenticate(token: secret) == Identity(username: "ci", isAdmin: false, method: .token))
            #expect(try await identities.authenticate(token: secret + "x") == nil)

            try await identities.revokeToken(token.id)
            #expect(try await identities.authenticate(token: secret) == nil)
            #expect(try await identities.token(token.id).revokedAt != nil)

            let (expiring, expiringSecret) = try await identities.createToken(for: "ci", name: "old", expiresInDays: 1)
            try await store.write { database in
                try await database.update("api_tokens").set("expires_at", to: Timestamp.nowMillis() - 1).where("token_id", .equal, expiring.id).run()
            }
            #expect(try await identities.authenticate(token: expiringSecret) == nil)

            let (_, lastSecret) = try await identities.createToken(for: "ci", name: "last", expiresInDays: nil)
            #expect(try await identities.authenticate(token: lastSecret) != nil)
            try await identities.deleteUser("ci")
            #expect(try await identities.authenticate(token: lastSecret) == nil)
            await #expect(throws: KeelError.self) { try await identities.createToken(for: "ci", name: "x", expiresInDays: nil) }
            await #expect(throws: KeelError.self) { try await identities.createToken(for: "admin", name: "", expiresInDays: nil) }
        }
    }

    @Test("constant-time comparison and token format")
    func secrets() {
        #expect(Secrets.constantTimeEqual("abc", "abc"))
        #expect(!Secrets.constantTimeEqual("abc", "abd"))
        #expect(!Secrets.constantTimeEqual("abc", "abcd"))
        #expect(Secrets.newToken() != Secrets.newToken())
        #expect(Secrets.newToken().allSatisfy { $0.isLetter || $0.isNumber || "_-".contains($0) })
    }
}
