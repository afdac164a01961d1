extension UInt8 {
    /// Whether the byte is an ASCII letter or digit: what ids and keys are checked against byte
    /// by byte, without walking `Character`s.
    public var isASCIIAlphanumeric: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            false
        }
    }
}
