import KeelCore
import KeelTestSupport
import Testing
@testable import KeelTracking

/// The error `body` throws, or `nil` if it succeeds or throws something other than a `KeelError`.
func searchParseError<T>(_ body: () throws -> T) -> KeelError? {
    do {
        _ = try body()
        return nil
    } catch let error as KeelError {
        return error
    } catch {
        return nil
    }
}

/// Records an issue unless `body` succeeds or throws a `KeelError` with code `INVALID_PARAMETER_VALUE`.
func expectParsesOrRejectsCleanly<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try body()
    } catch let error as KeelError {
        #expect(error.code == .invalidParameterValue, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

/// `count` filters made by cutting, inserting and truncating characters of `seeds`,
/// deterministic for a given `seed`: the parser must parse or refuse each, never crash.
func mutatedFilters(_ seeds: [String], seed: UInt64, count: Int) -> [String] {
    let scalars = Array("'\"`(),. =\\-_a9é".unicodeScalars)
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in
        var text = Array((seeds.randomElement(using: &rng) ?? "").unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !text.isEmpty {
            let index = Int.random(in: 0..<text.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: text.remove(at: index)
            case 1: text.insert(scalars.randomElement(using: &rng) ?? "x", at: index)
            default: text.removeSubrange(index...)
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        return String(view)
    }
}
