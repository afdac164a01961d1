extension Array {
    /// The array cut into consecutive slices of at most `size` elements.
    ///
    /// Used to keep bind lists below every database's limit on parameters per statement.
    public func chunked(into size: Int) -> [[Element]] {
        precondition(size > 0, "chunk size must be positive")
        return stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
