// Inlinable so that callers in other modules get a copy specialized to their element type:
// unspecialized, a call looked up generic metadata at run time, which under ingest cost more
// than building the statement it cut.
extension Array {
    /// The array cut into consecutive slices of at most `size` elements.
    ///
    /// Used to keep bind lists below every database's limit on parameters per statement.
    @inlinable
    public func chunked(into size: Int) -> [[Element]] {
        precondition(size > 0, "chunk size must be positive")
        return slices(of: size).map(Array.init)
    }

    /// The array in consecutive slices of at most `size` elements, without copying them.
    @inlinable
    public func slices(of size: Int) -> [ArraySlice<Element>] {
        precondition(size > 0, "slice size must be positive")
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
