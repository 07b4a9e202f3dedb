import Foundation
import Hummingbird
import LetterboxCore
import LetterboxServer
import LetterboxStore
import LetterboxTesting
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A real `LetterboxServer` on 127.0.0.1 (a free port), over a real SQLite file, for one test.
struct ServerHarness {
    let root: URL
    let store: SQLiteCaseStore
    let server: LetterboxServer
    let port: Int
    let task: Task<Void, any Error>

    static func start(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        storeOptions: SQLiteCaseStore.Options = .init()
    ) async throws -> ServerHarness {
        let root = try Fixtures.temporaryFolder("server")
        let store = try SQLiteCaseStore(path: root.appendingPathComponent("letterbox.sqlite").path, options: storeOptions)
        var configuration = ServerConfiguration(port: 0)
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["LETTERBOX_TEST_LOG"] == nil ? .critical : .debug
        let intake = Intake(store: store, decoders: LetterboxServer.decoders(for: configuration))
        let server = LetterboxServer(configuration: configuration, store: store, intake: intake, logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = server.application { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.runService() }
        var port = 0
        for await value in ports {
            port = value
            break
        }
        return ServerHarness(root: root, store: store, server: server, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One HTTP/1.1 exchange over a plain socket (Connection: close). A hand-written client,
    /// so that nothing (a 401 challenge, a redirect, a retry) is handled behind the test's back.
    func request(
        _ method: String,
        _ path: String,
        body: Data? = nil,
        contentType: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if body != nil || method == "POST" { head += "Content-Length: \((body ?? Data()).count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let port = self.port
        let bytes = Data(head.utf8) + (body ?? Data())
        // Blocking socket calls on a thread of their own: the cooperative pool (two threads on
        // this machine) also runs the server's handlers.
        let raw = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try RawHTTP.exchange(port: port, bytes: bytes) })
            }
            thread.start()
        }
        return try RawHTTP.parse(raw)
    }

    func postXML(_ path: String, _ body: Data, headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: body, contentType: "text/xml", headers: headers)
    }

    func postForm(_ fields: [(String, String)], path: String = "/feedback", headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: Data(Self.urlEncoded(fields).utf8), contentType: "application/x-www-form-urlencoded", headers: headers)
    }

    static func urlEncoded(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return fields.map { name, value in
            let encode = { (text: String) in
                (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
            }
            return encode(name) + "=" + encode(value)
        }.joined(separator: "&")
    }

    static func multipart(boundary: String, fields: [(String, String)], files: [(field: String, name: String, type: String, data: Data)] = []) -> Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    /// A sample gateway callback from Samples/sms (the captured originals in ../shared/corpora
    /// are tested in SMSTests when that folder is on the machine).
    func corpus(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent(name))
    }

    /// The token in a form page.
    static func token(in html: String) -> String? {
        guard let range = html.range(of: "name=\"token\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func reference(in html: String) -> String? {
        guard let range = html.range(of: #"LB-\d{4}-\d{6}"#, options: .regularExpression) else { return nil }
        return String(html[range])
    }
}

enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func exchange(port: Int, bytes: Data) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Send; a server that answers early (413) and closes ends the sending, not the test.
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(fd, buffer.baseAddress! + offset, min(65536, buffer.count - offset), Int32(MSG_NOSIGNAL))
                if sent <= 0 { break }
                offset += sent
            }
        }
        // No half-close: the server closes after its answer (Connection: close).
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        return response
    }

    static func parse(_ raw: Data) throws -> ServerHarness.Reply {
        guard let split = raw.firstRange(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no complete response (\(raw.count) bytes)")
        }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return ServerHarness.Reply(status: status, headers: headers, body: body)
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
