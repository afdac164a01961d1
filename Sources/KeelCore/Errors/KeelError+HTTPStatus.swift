extension KeelError {
    /// The HTTP status this error is answered with (MLflow's table, plus 504 for timeouts).
    public var httpStatus: Int {
        switch code {
        case .badRequest, .invalidParameterValue, .resourceAlreadyExists: 400
        case .resourceDoesNotExist, .endpointNotFound: 404
        case .unauthenticated: 401
        case .permissionDenied: 403
        case .resourceConflict: 409
        case .resourceExhausted: 429
        case .notImplemented: 501
        case .temporarilyUnavailable: 503
        case .deadlineExceeded: 504
        default: 500
        }
    }
}
