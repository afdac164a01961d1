import KeelCore

/// A cursor over the Unicode scalars of a filter or order-by clause, with the primitive
/// scans the parsers build on.
///
/// The parser drives it by context (identifier, then operator, then value) rather than
/// tokenising up front, because the same text means different things on each side: a
/// double-quoted `"run name"` is a key on the left and a string on the right.
///
/// Every scan is O(length) overall, so untrusted input of any size parses in linear time.
struct SearchScanner {
    /// The input, indexed by scalar, which is also what positions in error messages count.
    let scalars: [Unicode.Scalar]
    /// The index of the next unread scalar.
    private(set) var position = 0
    // Closing-quote tables, built on first use of each quote kind (see `sqlQuotedEnds`).
    private var singleQuoteEnds: [Int]?
    private var doubleQuoteEnds: [Int]?
    private var backtickEnds: [Int]?

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    var isAtEnd: Bool { position >= scalars.count }

    /// The scalar `offset` places ahead of the cursor, or `nil` past the end.
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position + offset
        return index >= 0 && index < scalars.count ? scalars[index] : nil
    }

    mutating func advance(_ count: Int = 1) {
        position = min(position + count, scalars.count)
    }

    mutating func skipWhitespace() {
        while let scalar = peek(), scalar.properties.isWhitespace { position += 1 }
    }

    /// Whether `scalar` may appear in a bare word; mirrors Python's Unicode `\w`.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar.value >= 0x30 && scalar.value <= 0x39
    }

    /// `scalar` upper-cased if it is ASCII, else `nil`.
    ///
    /// Keywords match ASCII only: full Unicode case mapping would read `ın` (dotless i) as `IN`.
    static func asciiUppercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        guard scalar.isASCII else { return nil }
        return scalar.value >= 0x61 && scalar.value <= 0x7A ? Unicode.Scalar(UInt8(scalar.value - 0x20)) : scalar
    }

    /// `word` upper-cased if it is all ASCII, else `nil`; see the scalar overload.
    static func asciiUppercased(_ word: String) -> String? {
        var result = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            guard let upper = asciiUppercased(scalar) else { return nil }
            result.append(upper)
        }
        return String(result)
    }

    /// Consumes a run of word scalars (possibly empty) and returns it.
    mutating func scanWord() -> String {
        let start = position
        while let scalar = peek(), Self.isWordScalar(scalar) { position += 1 }
        return text(from: start, to: position)
    }

    /// Consumes `keyword` (ASCII, any case) if it is the whole next word, as in `and`, `IN`.
    ///
    /// A word followed by `.` is an entity prefix, not a keyword: `and.x` is not `AND`.
    mutating func consumeKeyword(_ keyword: String) -> Bool {
        var offset = 0
        for expected in keyword.unicodeScalars {
            guard let actual = peek(offset), Self.asciiUppercased(actual) == expected else { return false }
            offset += 1
        }
        if let next = peek(offset), Self.isWordScalar(next) || next == "." { return false }
        advance(offset)
        return true
    }

    /// The text of `scalars[start..<end]`.
    func text(from start: Int, to end: Int) -> String {
        var result = String.UnicodeScalarView()
        let upper = min(end, scalars.count)
        if start < upper { result.append(contentsOf: scalars[start..<upper]) }
        return String(result)
    }

    /// Up to `limit` scalars from `start`, for quoting user input in error messages without
    /// echoing a multi-megabyte filter back.
    func excerpt(from start: Int, limit: Int = 40) -> String {
        let end = min(scalars.count, start + limit)
        let snippet = text(from: start, to: end)
        return end < scalars.count ? snippet + "…" : snippet
    }

    /// The text from `start` up to the next whitespace, capped like ``excerpt(from:limit:)``;
    /// names the offending identifier without the rest of the clause.
    func word(from start: Int, limit: Int = 80) -> String {
        var end = start
        while end < scalars.count, end - start < limit, !scalars[end].properties.isWhitespace { end += 1 }
        let snippet = text(from: start, to: end)
        return end < scalars.count && !scalars[end].properties.isWhitespace ? snippet + "…" : snippet
    }

    // MARK: Quoted text

    /// Scans a quoted run at the cursor (which must be on `quote`) the way MLflow's SQL
    /// lexer does, returning the text between the outer quotes verbatim, or `nil` (cursor
    /// unmoved) when the quote is never closed.
    ///
    /// Inside `'…'` a doubled `''` or a backslashed `\'` does not close the string, and
    /// neither is unescaped, matching MLflow; `"…"` is alike, and backticks know only `` `` ``.
    mutating func scanSQLQuoted() -> String? {
        guard let quote = peek() else { return nil }
        let ends: [Int]
        switch quote {
        case "'":
            if singleQuoteEnds == nil { singleQuoteEnds = Self.sqlQuotedEnds(scalars, quote: quote, backslash: true) }
            ends = singleQuoteEnds ?? []
        case "\"":
            if doubleQuoteEnds == nil { doubleQuoteEnds = Self.sqlQuotedEnds(scalars, quote: quote, backslash: true) }
            ends = doubleQuoteEnds ?? []
        case "`":
            if backtickEnds == nil { backtickEnds = Self.sqlQuotedEnds(scalars, quote: quote, backslash: false) }
            ends = backtickEnds ?? []
        default:
            return nil
        }
        let bodyStart = position + 1
        guard bodyStart < ends.count, ends[bodyStart] > bodyStart else { return nil }
        let end = ends[bodyStart]
        position = end
        return text(from: bodyStart, to: end - 1)
    }

    /// For every index `p`, where a quoted string whose body starts at `p` ends (the index
    /// after its closing quote), or -1 if it cannot end.
    ///
    /// MLflow lexes strings with the backtracking regex `'(''|\\'|[^'])*'`, whose first
    /// match is not always the obvious one: `'C:\'` is the string `C:\` because the
    /// engine backs off `\'` when nothing later closes it. The regex's outcome from a
    /// position depends only on that position, so filling this table right to left
    /// reproduces it exactly in linear time, where backtracking per string could be
    /// quadratic on hostile input.
    static func sqlQuotedEnds(_ s: [Unicode.Scalar], quote: Unicode.Scalar, backslash: Bool) -> [Int] {
        let count = s.count
        var ends = [Int](repeating: -1, count: count + 1)
        var index = count - 1
        while index >= 0 {
            let nextIsQuote = index + 1 < count && s[index + 1] == quote
            var end = -1
            if s[index] == quote {
                // Alternatives in the regex's order: a doubled quote continues, else close.
                if nextIsQuote { end = ends[index + 2] }
                if end < 0 { end = index + 1 }
            } else {
                if backslash && nextIsQuote && s[index] == "\\" { end = ends[index + 2] }
                if end < 0 { end = ends[index + 1] }
            }
            ends[index] = end
            index -= 1
        }
        return ends
    }

    /// Scans a list item with Python string-literal rules (backslash escapes, no doubled
    /// quotes), because MLflow evaluates `IN (...)` lists with Python's `ast.literal_eval`.
    /// Returns `nil` when the string is not closed on its line.
    mutating func scanPythonQuoted() -> String? {
        guard let quote = peek() else { return nil }
        var offset = 1
        var result = String.UnicodeScalarView()
        while let scalar = peek(offset) {
            if scalar == quote {
                advance(offset + 1)
                return String(result)
            }
            if scalar == "\n" || scalar == "\r" { return nil }
            guard scalar == "\\" else {
                result.append(scalar)
                offset += 1
                continue
            }
            guard let escaped = peek(offset + 1) else { return nil }
            offset += 2
            switch escaped {
            case "\\", "'", "\"": result.append(escaped)
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "0": result.append("\0")
            case "\n": break  // line continuation
            default:
                // Python keeps unknown escapes as written.
                result.append("\\")
                result.append(escaped)
            }
        }
        return nil
    }

    // MARK: Numbers

    /// Scans a numeric literal at the cursor: optional `-`, digits with an optional
    /// fraction (`5`, `5.`, `.5`, `-1.25`), and an optional exponent (`1e-3`).
    ///
    /// - Returns: `nil` (cursor unmoved) if no number starts here; otherwise the literal's
    ///   text and whether it is a plain integer. A literal running into letters (`12abc`)
    ///   is consumed whole and reported as `valid: false`.
    mutating func scanNumber() -> (text: String, isInteger: Bool, valid: Bool)? {
        let start = position
        var offset = peek() == "-" ? 1 : 0
        let intStart = offset
        while Self.isDigit(peek(offset)) { offset += 1 }
        var isInteger = true
        var hasDigits = offset > intStart
        if peek(offset) == "." && (hasDigits || Self.isDigit(peek(offset + 1))) {
            isInteger = false
            offset += 1
            while Self.isDigit(peek(offset)) { offset += 1 }
            hasDigits = true
        }
        guard hasDigits else { return nil }
        if let e = peek(offset), e == "e" || e == "E" {
            var exponent = offset + 1
            if let sign = peek(exponent), sign == "+" || sign == "-" { exponent += 1 }
            if Self.isDigit(peek(exponent)) {
                while Self.isDigit(peek(exponent)) { exponent += 1 }
                offset = exponent
                isInteger = false
            }
        }
        var valid = true
        while let next = peek(offset), Self.isWordScalar(next) || next == "." {
            valid = false
            offset += 1
        }
        advance(offset)
        return (text(from: start, to: position), isInteger, valid)
    }
}

/// Builds the `INVALID_PARAMETER_VALUE` error every search-parsing failure throws.
func searchError(_ message: String) -> KeelError {
    KeelError(.invalidParameterValue, message)
}
