#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// The local delivery socket: `letterbox serve` listens on a Unix socket beside the store, and
/// the mail pipe (`ingest email`, one process per message) hands its message to the running
/// server there instead of opening the store, loading the triage model and committing on its
/// own. The server answers only after its group commit, so an answer of 200 means the message
/// is durable, exactly as the pipe's own commit would. Any other outcome (no server, a refusal,
/// a timeout, a dropped connection) and the pipe commits the message itself; a message the
/// server did commit before the connection dropped is then recognised by its Message-ID as a
/// redelivery.
///
/// The protocol is HTTP/1.1 over the socket, served by the same Hummingbird application code
/// as the network port. The client is written here on the C socket calls rather than with
/// async-http-client: the point is a process that starts, writes one request and exits, and an
/// event loop group costs more to start than the whole exchange.
public enum LocalDelivery {
    /// The longest path a Unix socket address holds (`sun_path`, less its terminating NUL).
    public static let maxPathBytes = 107

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No socket there, or nobody listening: no server runs (the usual case).
        case noServer
        case pathTooLong
        case io(String)
        case badAnswer

        public var description: String {
            switch self {
            case .noServer: "no server is listening"
            case .pathTooLong: "the socket path is over \(LocalDelivery.maxPathBytes) bytes"
            case .io(let what): what
            case .badAnswer: "the answer was not HTTP"
            }
        }
    }

    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: String

        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }
    }

    /// Sends one `POST target` with `body` and returns the answer. `timeout` bounds each read
    /// and write (seconds), so a hung server costs the pipe that long, then the direct path.
    public static func post(socket path: String, target: String, headers: [(String, String)] = [], body: Data, timeout: Int = 60) -> Result<Answer, Failure> {
        var head = "POST \(target) HTTP/1.1\r\nHost: localhost\r\nContent-Type: message/rfc822\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers {
            // A value that could end the header line is not sent; the caller's direct path takes it.
            guard !(name + value).utf8.contains(where: { $0 == 13 || $0 == 10 }) else { return .failure(.io("the header \(name) holds a line break")) }
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"
        let fd: Int32
        switch connect(path) {
        case .success(let socket): fd = socket
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var headBytes = head
        guard headBytes.withUTF8({ writeAll(fd, UnsafeRawBufferPointer($0)) }), body.withUnsafeBytes({ writeAll(fd, $0) }) else { return .failure(.io("could not write to the socket: \(errnoText())")) }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                answer.append(contentsOf: buffer[0..<n])
                if answer.count > 1 << 20 { return .failure(.badAnswer) }
                if let parsed = parse(answer), parsed.complete { return .success(parsed.answer) }
                continue
            }
            if n == 0 { break }
            if errno == EINTR { continue }
            return .failure(.io("no answer from the server: \(errnoText())"))
        }
        guard let parsed = parse(answer), parsed.complete else { return .failure(.badAnswer) }
        return .success(parsed.answer)
    }

    /// True when a server accepts connections on the socket (`serve` asks before taking it over).
    public static func isListening(_ path: String) -> Bool {
        guard case .success(let fd) = connect(path) else { return false }
        close(fd)
        return true
    }

    static func connect(_ path: String) -> Result<Int32, Failure> {
        let bytes = Array(path.utf8)
        guard bytes.count <= maxPathBytes else { return .failure(.pathTooLong) }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failure(.io("could not open a socket: \(errnoText())")) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            if code == ENOENT || code == ECONNREFUSED || code == ENOTSOCK { return .failure(.noServer) }
            return .failure(.io("could not connect: \(String(cString: strerror(code)))"))
        }
        return .success(fd)
    }

    private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// The status and body once the head and Content-Length bytes are in (or, without a
    /// length, whatever came before the server closed).
    public static func parse(_ bytes: [UInt8]) -> (answer: Answer, complete: Bool)? {
        guard let end = headEnd(bytes) else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else { return nil }
        var length: Int?
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            // Trimmed by hand: Foundation's trimmingCharacters goes through NSString, a tenth of
            // a handed-over pipe's instructions.
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                var value = parts[1]
                while value.first == " " || value.first == "\t" { value = value.dropFirst() }
                while value.last == " " || value.last == "\t" { value = value.dropLast() }
                length = Int(value)
            }
        }
        let body = bytes[(end + 4)...]
        let complete = length.map { body.count >= $0 } ?? false
        let text = String(decoding: length.map { body.prefix($0) } ?? body, as: UTF8.self)
        return (Answer(status: status, body: text), complete)
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    #if canImport(Glibc)
    private static let systemConnect = Glibc.connect
    #else
    private static let systemConnect = Darwin.connect
    #endif

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
