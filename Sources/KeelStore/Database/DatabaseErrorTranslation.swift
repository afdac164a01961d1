import KeelCore
import PostgresKit

/// Maps database driver errors that reach a caller to ``KeelError`` codes clients understand.
///
/// Queries are written so that races end in a clear answer (`ON CONFLICT`, re-reads), but a
/// unique violation or a lock timeout that still slips through must not become an empty 500:
/// a duplicate is RESOURCE_ALREADY_EXISTS, a busy database TEMPORARILY_UNAVAILABLE (which
/// the MLflow client retries).
enum DatabaseErrorTranslation {
    static func translate(_ error: any Error) -> any Error {
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            switch state {
            case "23505":
                return KeelError(.resourceAlreadyExists, "A concurrent request created the same entity; it already exists.")
            case "40001", "40P01", "55P03":
                return KeelError(.temporarilyUnavailable, "The database was busy with a conflicting write; retry the request.")
            default:
                return error
            }
        }
        if let error = error as? SQLiteFailure {
            if error.isUniqueViolation {
                return KeelError(.resourceAlreadyExists, "The entity already exists.")
            }
            if error.isBusy {
                return KeelError(.temporarilyUnavailable, "The database is busy; retry the request.")
            }
        }
        return error
    }
}
