import Crypto
import Foundation
import KeelCore
public import KeelStore
import NIOConcurrencyHelpers
import NIOPosix

/// Users, passwords and API tokens: creating them, and checking the credentials a request
/// carries.
///
/// Passwords are bcrypt-hashed (cost 12). The official mlflow client sends Basic credentials on
/// every call, so a successful check is remembered for five minutes under a keyed hash of the
/// user, the password and the stored hash: a changed password misses at once. Tokens are random
/// 256-bit secrets stored only as SHA-256. Five failed logins in a row lock a user for a minute,
/// counted in the store, so the lock holds on every replica.
public struct IdentityService: Sendable {
    let store: IdentityStore
    private let verified: VerifiedCredentials
    private let tokenUse: NIOLockedValueBox<[String: Int64]>
    private let cost: UInt8

    /// Failed logins in a row before the user is locked.
    public static let lockoutThreshold: Int64 = 5
    /// How long a lock lasts (ms).
    public static let lockoutMilliseconds: Int64 = 60_000

    /// `cost` is bcrypt's (tests use a lower one; it is stored in each hash, so hashes of any cost verify).
    public init(store: any MetadataStore, bcryptCost: UInt8 = 12) {
        self.store = IdentityStore(store: store)
        verified = VerifiedCredentials()
        tokenUse = NIOLockedValueBox([:])
        cost = bcryptCost
    }

    // MARK: - Users

    /// Makes sure the first admin exists. With no password given, one is generated and returned
    /// (to be shown once); nil when the admin already existed.
    public func bootstrapAdmin(username: String, password: String?) async throws -> String? {
        if try await store.userRow(username) != nil { return nil }
        let chosen = password ?? Secrets.newPassword()
        try Self.validate(password: chosen)
        try await addUser(username, password: chosen, isAdmin: true)
        return password == nil ? chosen : nil
    }

    public func addUser(_ username: String, password: String, isAdmin: Bool) async throws {
        try Self.validate(username: username)
        try Self.validate(password: password)
        let hash = try await hash(password)
        try await store.insertUser(username, passwordHash: hash, isAdmin: isAdmin)
    }

    public func users() async throws -> [User] {
        try await store.users()
    }

    public func user(_ username: String) async throws -> User {
        guard let row = try await store.userRow(username) else { throw KeelError.notFound("User '\(username)' not found.") }
        return row.user
    }

    /// Changes a password (which also lifts a lockout) or the admin flag.
    public func updateUser(_ username: String, password: String?, isAdmin: Bool?) async throws {
        var hash: String?
        if let password {
            try Self.validate(password: password)
            hash = try await self.hash(password)
        }
        try await store.updateUser(username, passwordHash: hash, isAdmin: isAdmin)
    }

    public func deleteUser(_ username: String) async throws {
        try await store.deleteUser(username)
    }

    // MARK: - Tokens

    /// A new token for `username`; the secret is in the result and is never shown again.
    public func createToken(for username: String, name: String, expiresInDays: Int?) async throws -> (token: APIToken, secret: String) {
        guard try await store.userRow(username) != nil else { throw KeelError.notFound("User '\(username)' not found.") }
        guard !name.isEmpty, name.count <= 100 else { throw KeelError.invalidParameter("A token's name must be 1 to 100 characters.") }
        if let days = expiresInDays, !(1...3650).contains(days) {
            throw KeelError.invalidParameter("A token expires after 1 to 3650 days, not \(days).")
        }
        let secret = Secrets.newToken()
        let id = Identifiers.newHexID()
        let expiresAt = expiresInDays.map { Timestamp.nowMillis() + Int64($0) * 86_400_000 }
        try await store.insertToken(id: id, username: username, name: name, hash: Secrets.sha256(secret), expiresAt: expiresAt)
        return (try await store.token(id), secret)
    }

    /// Tokens of one user, or of everyone (nil).
    public func tokens(of username: String?) async throws -> [APIToken] {
        try await store.tokens(username: username)
    }

    public func token(_ id: String) async throws -> APIToken {
        try await store.token(id)
    }

    public func revokeToken(_ id: String) async throws {
        _ = try await store.token(id)
        try await store.revokeToken(id)
    }

    /// Revokes the token whose secret this is (a web session signing out); an unknown secret
    /// is not an error, since signing out twice is harmless.
    public func revokeToken(secret: String) async throws {
        guard let row = try await store.tokenByHash(Secrets.sha256(secret)) else { return }
        try await store.revokeToken(row.tokenId)
    }

    // MARK: - Checking credentials

    /// The identity behind a username and password, or nil when they do not match (or the user
    /// is locked: the answer is the same, so a locked account gives nothing away).
    public func authenticate(username: String, password: String) async throws -> Identity? {
        guard let row = try await store.userRow(username) else {
            // As slow as a real check, so response times do not tell which users exist.
            _ = try await blockingVerify(password, hash: Self.decoyHash)
            return nil
        }
        if let locked = row.lockedUntil, locked > Timestamp.nowMillis() { return nil }
        let key = verified.key(username: username, password: password, storedHash: row.passwordHash)
        if verified.contains(key) { return Identity(username: username, isAdmin: row.isAdmin != 0, method: .password) }
        guard try await blockingVerify(password, hash: row.passwordHash) else {
            try await store.noteFailedLogin(username, limit: Self.lockoutThreshold, lockFor: Self.lockoutMilliseconds)
            return nil
        }
        verified.insert(key)
        if row.failedLogins > 0 { try await store.noteSuccessfulLogin(username) }
        return Identity(username: username, isAdmin: row.isAdmin != 0, method: .password)
    }

    /// The identity behind an API token, or nil when it is unknown, revoked or expired.
    public func authenticate(token secret: String) async throws -> Identity? {
        guard let row = try await store.tokenByHash(Secrets.sha256(secret)), row.token.isUsable(at: Timestamp.nowMillis()),
              let user = try await store.userRow(row.username) else { return nil }
        // Record use at most once a minute per token: not a write per request.
        let now = Timestamp.nowMillis()
        let due = tokenUse.withLockedValue { uses -> Bool in
            guard now - (uses[row.tokenId] ?? 0) > 60_000 else { return false }
            uses[row.tokenId] = now
            return true
        }
        if due { try? await store.noteTokenUse(row.tokenId) }
        return Identity(username: user.username, isAdmin: user.isAdmin != 0, method: .token)
    }

    /// Compares secrets in time that depends only on their lengths.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        Secrets.constantTimeEqual(a, b)
    }

    // MARK: - Helpers

    private func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Secrets.hashPassword(password, cost: cost) }
    }

    private func blockingVerify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Secrets.verifyPassword(password, hash: hash) }
    }

    /// A real bcrypt hash of a random password, checked against when the user does not exist.
    private static let decoyHash = Secrets.hashPassword(Secrets.newPassword(), cost: 12)

    static func validate(username: String) throws {
        guard !username.isEmpty, username.count <= 100,
              username.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || "-_.@".unicodeScalars.contains($0) }) else {
            throw KeelError.invalidParameter("Invalid username '\(username)': use 1-100 letters, digits, '-', '_', '.' or '@'.")
        }
    }

    static func validate(password: String) throws {
        guard password.count >= 12 else { throw KeelError.invalidParameter("A password needs at least 12 characters.") }
        // bcrypt reads 72 bytes at most; a longer password would silently match its prefix.
        guard password.utf8.count <= 72 else { throw KeelError.invalidParameter("A password may have at most 72 bytes.") }
    }
}

/// Credentials that passed bcrypt recently, remembered by a keyed hash (never the password).
final class VerifiedCredentials: Sendable {
    private static let lifetimeMilliseconds: Int64 = 300_000
    private let secret = SymmetricKey(size: .bits256)
    private let entries = NIOLockedValueBox<[String: Int64]>([:])

    func key(username: String, password: String, storedHash: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(username)\u{0}\(password)\u{0}\(storedHash)".utf8), using: secret)
        return Data(mac).base64EncodedString()
    }

    func contains(_ key: String) -> Bool {
        let now = Timestamp.nowMillis()
        return entries.withLockedValue { ($0[key] ?? 0) > now }
    }

    func insert(_ key: String) {
        let now = Timestamp.nowMillis()
        entries.withLockedValue { entries in
            if entries.count > 10_000 { entries = entries.filter { $0.value > now } }
            entries[key] = now + Self.lifetimeMilliseconds
        }
    }
}
