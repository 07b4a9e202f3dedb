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
        #expect(try RawHTTP.post(port: server.port, path: "/sms/kannel?kid=stop-1", body: Data(contentsOf: sms), contentType: "text/xml").status == 200)

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
        let request = RawHTTP.request("POST", "/sms/kannel?kid=inflight-1", port: server.port, body: body, contentType: "text/xml")
        let connection = try RawConnection(port: server.port)
        // Headers and part of the body, then SIGTERM, then the rest.
        let split = request.count - body.count + 100
        connection.send(request.prefix(split))
        usleep(300_000)
        kill(server.process.processIdentifier, SIGTERM)
        usleep(500_000)
        connection.send(request.dropFirst(split))
        let response = connection.readToEnd(timeoutSeconds: 20)
        #expect(String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(try SQLiteCaseStore(path: storePath).records().count == 1)
    }
}
