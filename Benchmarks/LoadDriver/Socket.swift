#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call that failed, with its `errno`.
struct SocketError: Error, CustomStringConvertible {
    /// The call and what the system said.
    var description: String

    init(_ call: String, errno code: Int32 = errno) {
        description = "\(call): \(String(cString: strerror(code)))"
    }

    init(description: String) {
        self.description = description
    }
}

/// Thin wrappers over the socket calls the driver makes, so the loop reads as what it does.
enum Socket {
    /// A connected, non-blocking TCP socket with Nagle's algorithm off (requests are whole).
    static func connect(host: String, port: Int) throws(SocketError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let address = found else {
            throw SocketError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(found) }
        let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard descriptor >= 0 else { throw SocketError("socket") }
        guard systemConnect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            let code = errno
            close(descriptor)
            throw SocketError("connect to \(host):\(port)", errno: code)
        }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        return descriptor
    }

    /// What a non-blocking read or write did.
    enum Transfer: Equatable {
        case bytes(Int)
        case wouldBlock
        case closed
    }

    /// Sends from `buffer[offset...]`; `.closed` when the peer is gone.
    static func send(_ descriptor: Int32, _ buffer: [UInt8], from offset: Int) -> Transfer {
        let count = buffer.withUnsafeBytes { bytes in
            write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        }
        if count >= 0 { return .bytes(count) }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .closed
    }

    /// Appends what can be read now to `buffer`; `.closed` at end of stream or on a reset.
    static func receive(_ descriptor: Int32, into buffer: inout [UInt8], scratch: inout [UInt8]) -> Transfer {
        let count = scratch.withUnsafeMutableBytes { bytes in read(descriptor, bytes.baseAddress!, bytes.count) }
        if count > 0 {
            buffer.append(contentsOf: scratch[0..<count])
            return .bytes(count)
        }
        if count == 0 { return .closed }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .closed
    }
}

/// `connect(2)`: inside ``Socket`` the name means ``Socket/connect(host:port:)``.
private func systemConnect(_ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}

/// Seconds on a monotonic clock, for deadlines and durations.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Wall-clock milliseconds since the epoch, for `{{now_ms}}`.
func epochMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

/// User plus system CPU seconds this process has used.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}
