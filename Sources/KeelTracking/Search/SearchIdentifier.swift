import KeelCore

/// An identifier as written, such as `metrics.acc`, ``tags.`mlflow.runName` `` or `status`,
/// split at its first dot but not yet checked against a ``SearchSchema``.
struct SearchIdentifierSyntax: Equatable {
    /// How a part of the identifier was quoted, which decides what MLflow accepts there.
    enum Quote: Equatable {
        case none, backtick, double, single
    }

    /// The text before the first dot with its quotes removed, or `nil` without a dot.
    var prefix: String?
    /// How ``prefix`` was quoted.
    var prefixQuote: Quote
    /// The key: everything after the first dot, or the whole identifier without one.
    /// Quotes around it are removed, and nothing inside is unescaped (as in MLflow).
    var key: String
    /// The identifier exactly as written, for error messages.
    var text: String
}

extension SearchScanner {
    /// Scans an identifier at the cursor: `head` or `head.key`.
    ///
    /// `head` is a bare word or a backtick- or double-quoted name. `key` is a bare dotted
    /// path (`mlflow.runName`, which MLflow also takes literally) or one quoted name in
    /// backticks, double or single quotes. No whitespace is allowed around the dot.
    ///
    /// - Returns: `nil` with the cursor unmoved if no identifier starts here.
    /// - Throws: For an unterminated quote or a malformed key.
    mutating func scanIdentifier() throws -> SearchIdentifierSyntax? {
        let start = position
        guard let first = peek() else { return nil }
        let head: String
        let headQuote: SearchIdentifierSyntax.Quote
        switch first {
        case "`", "\"":
            guard let quoted = scanSQLQuoted() else { throw unterminatedQuote(at: start) }
            head = quoted
            headQuote = first == "`" ? .backtick : .double
        default:
            guard Self.isWordScalar(first) else { return nil }
            head = scanWord()
            headQuote = .none
        }
        guard peek() == "." else {
            let written = text(from: start, to: position)
            return SearchIdentifierSyntax(prefix: nil, prefixQuote: .none, key: head, text: written)
        }
        advance()
        let key = try scanKey(identifierStart: start)
        let written = text(from: start, to: position)
        return SearchIdentifierSyntax(prefix: head, prefixQuote: headQuote, key: key, text: written)
    }

    /// Scans the part after the first dot of the identifier starting at `identifierStart`.
    private mutating func scanKey(identifierStart: Int) throws -> String {
        let keyStart = position
        guard let first = peek() else {
            throw searchError(
                "Invalid identifier '\(word(from: identifierStart))': expected a key after the '.'."
            )
        }
        if first == "`" || first == "\"" || first == "'" {
            guard let quoted = scanSQLQuoted() else { throw unterminatedQuote(at: keyStart) }
            // MLflow would keep such a key verbatim, quotes and all, which never matches
            // anything a client logged; rejecting it is more useful.
            if let next = peek(), Self.isWordScalar(next) || next == "." || next == "`" || next == "\"" || next == "'" {
                throw searchError(
                    "Invalid identifier '\(word(from: identifierStart))': nothing may follow a quoted key "
                        + "directly; quote the whole key, dots included, e.g. tags.`mlflow.runName`."
                )
            }
            return quoted
        }
        guard Self.isWordScalar(first) else {
            throw searchError(
                "Invalid identifier '\(word(from: identifierStart))': expected a key after the '.'. "
                    + "Quote keys that contain spaces or punctuation with backticks, e.g. metrics.`my-metric`."
            )
        }
        _ = scanWord()
        // Bare dotted keys such as tags.mlflow.runName are one key, as MLflow reads them.
        while peek() == ".", let next = peek(1), Self.isWordScalar(next) {
            advance()
            _ = scanWord()
        }
        if peek() == "." {
            throw searchError(
                "Invalid identifier '\(word(from: identifierStart))': a key cannot end with '.' or have "
                    + "empty parts. Quote unusual keys with backticks, e.g. tags.`my.key.`."
            )
        }
        return text(from: keyStart, to: position)
    }

    private func unterminatedQuote(at start: Int) -> KeelError {
        searchError("Unterminated quote at character \(start + 1): \(excerpt(from: start))")
    }
}
