import Foundation
import LetterboxCore
import Testing

/// The mail pipe's client for `serve`'s local delivery socket (the server side is in the
/// end-to-end tests).
@Suite struct LocalDeliveryClientTests {
    @Test("No socket, or a file that is not one: no server, so the pipe commits on its own")
    func noServer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ld-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("none.sock").path
        #expect(LocalDelivery.post(socket: missing, target: "/local/email", body: Data("x".utf8)) == .failure(.noServer))
        let file = folder.appendingPathComponent("file.sock")
        try Data("not a socket".utf8).write(to: file)
        #expect(LocalDelivery.post(socket: file.path, target: "/local/email", body: Data("x".utf8)) == .failure(.noServer))
        #expect(!LocalDelivery.isListening(file.path))
    }

    @Test("A path longer than a socket address holds is refused before any connect")
    func pathTooLong() {
        let path = "/tmp/" + String(repeating: "a", count: 120)
        #expect(LocalDelivery.post(socket: path, target: "/", body: Data()) == .failure(.pathTooLong))
    }

    @Test("A line break in a header value is never sent")
    func headerInjection() {
        let result = LocalDelivery.post(socket: "/nonexistent/x.sock", target: "/", headers: [("x-envelope-sender", "a@b\r\nX-Evil: 1")], body: Data())
        #expect(result != .failure(.noServer))
        if case .failure(.io(let text)) = result { #expect(text.contains("line break")) } else { Issue.record("expected a refusal, got \(result)") }
    }

    @Test("Answers: complete once Content-Length bytes are in; partial heads and other protocols are not answers")
    func parse() {
        let full = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 33\r\n\r\naccepted    LB-2026-000001 stdin\n".utf8)
        let parsed = LocalDelivery.parse(full)
        #expect(parsed?.complete == true)
        #expect(parsed?.answer == .init(status: 200, body: "accepted    LB-2026-000001 stdin\n"))
        #expect(LocalDelivery.parse(Array(full.dropLast(5)))?.complete == false)
        #expect(LocalDelivery.parse(Array(full.prefix(20))) == nil)
        #expect(LocalDelivery.parse(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)) == nil)
        #expect(LocalDelivery.parse(Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".utf8))?.answer.status == 503)
        // The length's spaces and tabs either side are not part of it.
        let padded = Array("HTTP/1.1 200 OK\r\nCONTENT-LENGTH:\t 5 \r\n\r\nhello, and more".utf8)
        #expect(LocalDelivery.parse(padded)?.answer.body == "hello")
        #expect(LocalDelivery.parse(padded)?.complete == true)
        // No length: whatever came before the close (the caller decides once the server closes).
        #expect(LocalDelivery.parse(Array("HTTP/1.1 200 OK\r\n\r\nhello".utf8))?.answer.body == "hello")
    }
}
