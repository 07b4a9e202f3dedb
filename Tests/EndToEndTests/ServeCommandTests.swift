import Foundation
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `letterbox serve` as a process: the watched folder from the config in the same
/// process, and a clean stop on SIGTERM.
@Suite(.serialized)
struct ServeCommandTests {
    @Test("serve also watches watch.notes from the config, and stops with status 0 on SIGTERM, everything committed")
    func watchAndStop() throws {
        let root = try Fixtures.temporaryFolder("serve")
        let notes = root.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let server = try ServeProcess(
            storePath: storePath, folder: root,
            environment: ["LETTERBOX_WATCH_NOTES": notes.path, "LETTERBOX_WATCH_SETTLE_SECONDS": "0.5"]
        )
        defer { server.stop() }
        let note = try Data(contentsOf: Fixtures.samples("phone-notes").appendingPathComponent("01-repair-delay-complaint.txt"))
        try note.write(to: notes.appendingPathComponent("call.txt"))
        let store = try SQLiteCaseStore(path: storePath)
        #expect(try Fixtures.waitUntil(timeout: 20) { try store.records(channel: .phone).count == 1 })
        let sms = Fixtures.samples("sms").appendingPathComponent("kannel-boiler.xml")
        #expect(try KannelTests.post(port: server.port, path: "/sms/kannel?kid=stop-1", body: Data(contentsOf: sms)) == 200)

        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        #expect(try store.records().count == 2)
    }

    @Test("SIGTERM while a callback is half sent: the request in flight is answered and stored, then serve exits 0")
    func inFlightOnShutdown() throws {
        let root = try Fixtures.temporaryFolder("serve-stop")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let server = try ServeProcess(storePath: storePath, folder: root)
        defer { server.stop() }
        let body = try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent("kannel-boiler.xml"))
        let head = Data("POST /sms/kannel?kid=inflight-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        func sendAll(_ data: Data) {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let sent = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if sent <= 0 { return }
                    offset += sent
                }
            }
        }
        sendAll(head + body.prefix(100))
        usleep(300_000)
        kill(server.process.processIdentifier, SIGTERM)
        usleep(500_000)
        sendAll(body.dropFirst(100))
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        #expect(String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(try SQLiteCaseStore(path: storePath).records().count == 1)
    }
}
