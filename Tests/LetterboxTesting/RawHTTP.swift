public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP answer as the test client read it.
public struct HTTPReply: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A plain TCP connection to 127.0.0.1, for HTTP written by hand: nothing (a 401 challenge, a
/// redirect, a retry) is handled behind a test's back, and a test can stop half way through a
/// request. Blocking calls: use it from a thread of its own, not the cooperative pool.
public final class RawConnection {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let fd: Int32

    public init(port: Int) throws {
        // Stored only once connected: the deinit of a class runs even when its init throws after
        // every property is set, and closing twice could close another thread's new descriptor
        // (a CI run failed so, in an unrelated test's process spawn, with EBADF).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = Self.loopback(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "connect to port \(port): \(code)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Sends what it can; a server that answers early (413) and closes ends the sending, not the test.
    public func send(_ data: Data) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(fd, buffer.baseAddress! + offset, min(65536, buffer.count - offset), Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    /// Reads until the server closes the connection (no half-close from this side: the server
    /// would take it as the end of the request).
    public func readToEnd(timeoutSeconds: Int = 60) -> Data {
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        return response
    }

    /// A free TCP port on 127.0.0.1 (bound, read back and released).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True once something listens on the port.
    public static func waitForPort(_ port: Int, timeout: Double = 15) -> Bool {
        Fixtures.waitUntil(timeout: timeout) { (try? RawConnection(port: port)) != nil }
    }
}

public enum RawHTTP {
    /// Sends the bytes (a whole request with Connection: close) and returns everything read back.
    public static func exchange(port: Int, bytes: Data) throws -> Data {
        let connection = try RawConnection(port: port)
        connection.send(bytes)
        return connection.readToEnd()
    }

    /// A request written out: the request line, Host, Connection: close, Content-Length.
    public static func request(
        _ method: String,
        _ path: String,
        port: Int,
        body: Data? = nil,
        contentType: String? = nil,
        headers: [String: String] = [:]
    ) -> Data {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if body != nil || method == "POST" { head += "Content-Length: \((body ?? Data()).count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Data((head + "\r\n").utf8) + (body ?? Data())
    }

    /// One GET, blocking; the answer parsed.
    public static func get(port: Int, path: String) throws -> HTTPReply {
        try parse(exchange(port: port, bytes: request("GET", path, port: port)))
    }

    /// One POST, blocking; the answer parsed.
    public static func post(port: Int, path: String, body: Data, contentType: String, headers: [String: String] = [:]) throws -> HTTPReply {
        try parse(exchange(port: port, bytes: request("POST", path, port: port, body: body, contentType: contentType, headers: headers)))
    }

    public static func parse(_ raw: Data) throws -> HTTPReply {
        guard let split = raw.firstRange(of: Data("\r\n\r\n".utf8)) else {
            throw RawConnection.Failure(description: "no complete response (\(raw.count) bytes)")
        }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw RawConnection.Failure(description: "bad status line \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            let end = rest.index(start, offsetBy: size)
            out.append(rest[start..<end])
            rest = rest[end...].dropFirst(2)
        }
        return out
    }
}
