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
        let sms = try #require(Fixtures.sharedCorpora).appendingPathComponent("sms/kannel-mo.xml")
        #expect(try KannelTests.post(port: server.port, path: "/sms/kannel?kid=stop-1", body: Data(contentsOf: sms)) == 200)

        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        #expect(try store.records().count == 2)
    }
}
