/// An error every part of Keel throws, carrying a stable, machine-readable ``Code``.
///
/// The code strings are MLflow's `error_code` names, so the HTTP layer can answer in
/// MLflow's own format (`{"error_code": ..., "message": ...}`) without translating.
/// Codes are API: add new ones, never rename an existing one.
///
/// ```swift
/// throw KeelError(.resourceDoesNotExist, "Run '\(id)' not found.")
/// ```
public struct KeelError: Error, Sendable, Equatable {
    /// The broad class of failure, stable across releases.
    public var code: Code
    /// What went wrong and, where possible, how to fix it. Shown to users.
    public var message: String

    /// Creates an error with a code and a message for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension KeelError {
    /// A stable error code; its ``rawValue`` is the MLflow `error_code` string.
    ///
    /// A struct over a string rather than an enum, so adding a code breaks no `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. `RESOURCE_DOES_NOT_EXIST`.
        public let rawValue: String

        /// Creates a code from its wire name.
        public init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        /// The request was malformed in a way not tied to one parameter (HTTP 400).
        public static let badRequest = Code("BAD_REQUEST")
        /// A parameter had a value Keel cannot accept (HTTP 400).
        public static let invalidParameterValue = Code("INVALID_PARAMETER_VALUE")
        /// The entity to create already exists (HTTP 400, as MLflow answers).
        public static let resourceAlreadyExists = Code("RESOURCE_ALREADY_EXISTS")
        /// The entity asked for does not exist (HTTP 404).
        public static let resourceDoesNotExist = Code("RESOURCE_DOES_NOT_EXIST")
        /// No route matches the request path or method (HTTP 404).
        public static let endpointNotFound = Code("ENDPOINT_NOT_FOUND")
        /// The request conflicts with the current state (HTTP 409).
        public static let resourceConflict = Code("RESOURCE_CONFLICT")
        /// The caller is not authenticated (HTTP 401).
        public static let unauthenticated = Code("UNAUTHENTICATED")
        /// The caller may not do this (HTTP 403).
        public static let permissionDenied = Code("PERMISSION_DENIED")
        /// The request is too large or too many were made (HTTP 429).
        public static let resourceExhausted = Code("RESOURCE_EXHAUSTED")
        /// The feature exists in the protocol but Keel does not offer it (HTTP 501).
        public static let notImplemented = Code("NOT_IMPLEMENTED")
        /// A backing service (database, disk) is unavailable (HTTP 503).
        public static let temporarilyUnavailable = Code("TEMPORARILY_UNAVAILABLE")
        /// The operation did not finish in time (HTTP 504), e.g. a model that stopped answering.
        public static let deadlineExceeded = Code("DEADLINE_EXCEEDED")
        /// Something failed inside Keel; the message says what, never a stack trace (HTTP 500).
        public static let internalError = Code("INTERNAL_ERROR")
    }
}

extension KeelError: CustomStringConvertible {
    public var description: String { "\(code.rawValue): \(message)" }
}

extension KeelError {
    /// Shorthand for an ``Code/invalidParameterValue`` error.
    public static func invalidParameter(_ message: String) -> KeelError {
        KeelError(.invalidParameterValue, message)
    }

    /// Shorthand for a ``Code/resourceDoesNotExist`` error.
    public static func notFound(_ message: String) -> KeelError {
        KeelError(.resourceDoesNotExist, message)
    }
}
