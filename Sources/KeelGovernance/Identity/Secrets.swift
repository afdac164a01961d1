import Crypto
import Foundation
import HummingbirdBcrypt

/// Password hashing, token secrets and their comparison.
enum Secrets {
    /// bcrypt's cost: 2^12 rounds, about a quarter of a second per check on a server core, which
    /// makes guessing slow and is why successful checks are remembered (``VerifiedCredentials``).
    static let bcryptCost: UInt8 = 12

    /// A bcrypt hash of `password` (blocks for the length of the hash).
    static func hashPassword(_ password: String, cost: UInt8 = bcryptCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches the bcrypt `hash` (constant-time inside bcrypt).
    static func verifyPassword(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A new token secret: `keel_` and 32 random bytes in URL-safe base64 (256 bits).
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "keel_" + base64
    }

    /// A new password for a generated admin: 24 characters from an alphabet without look-alikes.
    static func newPassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// Hex SHA-256: how tokens are stored and looked up (a token is random, so no salt is needed).
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two strings in time that depends only on their lengths.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
