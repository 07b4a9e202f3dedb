import Foundation
import GRDB
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import LetterboxTwilio
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `letterbox serve` as a process: the watched folder from the config in the same
/// process, and a clean stop on SIGTERM (on SQLite and on PostgreSQL).
@Suite(.serialized)
struct ServeCommandTests {
    @Test("serve also watches watch.notes from the config, and stops with status 0 on SIGTERM, everything committed", arguments: Backend.allCases)
    func watchAndStop(_ backend: Backend) async throws {
        let root = try Fixtures.temporaryFolder("serve")
        let notes = root.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        let storePath = try await TestStores.name(backend, sqlitePath: root.appendingPathComponent("letterbox.sqlite").path)
        let server = try ServeProcess(
            storePath: storePath, folder: root,
            environment: ["LETTERBOX_WATCH_NOTES": notes.path, "LETTERBOX_WATCH_SETTLE_SECONDS": "0.5"]
        )
        defer { server.stop() }
        let note = try Data(contentsOf: Fixtures.samples("phone-notes").appendingPathComponent("01-repair-delay-complaint.txt"))
        try note.write(to: notes.appendingPathComponent("call.txt"))
        let store = try TestStores.open(storePath)
        #expect(try await Fixtures.eventually(timeout: 20) { try store.records(channel: .phone).count == 1 })
        let sms = Fixtures.samples("sms").appendingPathComponent("kannel-boiler.xml")
        #expect(try RawHTTP.post(port: server.port, path: "/sms/kannel?kid=stop-1", body: Data(contentsOf: sms), contentType: "text/xml").status == 200)

        kill(server.process.processIdentifier, SIGTERM)
        try await Fixtures.waitForExit(server.process)
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        #expect(try store.records().count == 2)
    }

    @Test("SIGTERM while a callback is half sent: the request in flight is answered and stored, then serve exits 0", arguments: Backend.allCases)
    func inFlightOnShutdown(_ backend: Backend) async throws {
        let root = try Fixtures.temporaryFolder("serve-stop")
        let storePath = try await TestStores.name(backend, sqlitePath: root.appendingPathComponent("letterbox.sqlite").path)
        let server = try ServeProcess(storePath: storePath, folder: root)
        defer { server.stop() }
        let body = try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent("kannel-boiler.xml"))
        let request = RawHTTP.request("POST", "/sms/kannel?kid=inflight-1", port: server.port, body: body, contentType: "text/xml")
        let connection = try RawConnection(port: server.port)
        // Headers and part of the body, then SIGTERM, then the rest.
        let split = request.count - body.count + 100
        connection.send(request.prefix(split))
        try await Task.sleep(for: .microseconds(300_000))
        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .microseconds(500_000))
        connection.send(request.dropFirst(split))
        let response = connection.readToEnd(timeoutSeconds: 20)
        #expect(String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        try await Fixtures.waitForExit(server.process)
        #expect(server.process.terminationStatus == 0)
        #expect(try TestStores.open(storePath).records().count == 1)
    }

    @Test("Twilio through the configuration contract: sms.gateways [twilio], sms.twilio.profile, authTokenFile and publicURL; served at POST /sms/twilio beside Kannel")
    func twilioFromConfig() async throws {
        let root = try Fixtures.temporaryFolder("serve-twilio")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let tokenFile = root.appendingPathComponent("twilio-token")
        try Data("f00dfeedf00dfeedf00dfeedf00dfeed\n".utf8).write(to: tokenFile)
        let config = root.appendingPathComponent("letterbox.yaml")
        try Data("""
            sms:
              gateways: [kannel, twilio]
              twilio:
                profile: twilio
                authTokenFile: \(tokenFile.path)
                publicURL: https://feedback.example.org/sms/twilio
            """.utf8).write(to: config)
        let server = try ServeProcess(storePath: storePath, folder: root, environment: ["LETTERBOX_CONFIG": config.path])
        defer { server.stop() }
        let fields = [("Body", "Hallway light out on 2nd floor, Birch House"), ("From", "+447700900777"), ("MessageSid", "SMe2e"), ("NumMedia", "0"), ("To", "+447700900001")]
        let request = TwilioRequest(fields: fields.map { (name: $0.0, value: $0.1) })
        let signature = request.signature(url: "https://feedback.example.org/sms/twilio", authToken: "f00dfeedf00dfeedf00dfeedf00dfeed")
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        let reply = try RawHTTP.post(
            port: server.port, path: "/sms/twilio", body: Data(body.utf8), contentType: "application/x-www-form-urlencoded",
            headers: ["X-Twilio-Signature": signature]
        )
        #expect(reply.status == 200)
        #expect(reply.text.contains("<Response/>"))
        let forged = try RawHTTP.post(
            port: server.port, path: "/sms/twilio", body: Data(body.utf8), contentType: "application/x-www-form-urlencoded",
            headers: ["X-Twilio-Signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="]
        )
        #expect(forged.status == 403)
        let kannel = Fixtures.samples("sms").appendingPathComponent("kannel-boiler.xml")
        #expect(try RawHTTP.post(port: server.port, path: "/sms/kannel?kid=beside", body: Data(contentsOf: kannel), contentType: "text/xml").status == 200)
        let store = try SQLiteCaseStore(path: storePath)
        let records = try store.records(channel: .sms)
        #expect(records.count == 2)
        #expect(records.contains { $0.contact.phone?.e164 == "+447700900777" })
    }

    @Test("Killed between storing a post and reading it: the next serve settles it on its own, and nothing stays pending", arguments: Backend.allCases)
    func pendingSettledAfterACrash(_ backend: Backend) async throws {
        let root = try Fixtures.temporaryFolder("serve-pending")
        let storePath = try await TestStores.name(backend, sqlitePath: root.appendingPathComponent("letterbox.sqlite").path)
        let crashing = try ServeProcess(storePath: storePath, folder: root, environment: ["LETTERBOX_FAULT": "kill-after-raw"])
        let form = Data(#"{"kind": "complaint", "name": "Grace Adeyemi", "email": "grace.adeyemi@mail.example", "message": "The communal door has not locked for a month and strangers sleep in the stairwell."}"#.utf8)
        // The process dies after the raw bytes are committed: no answer comes back.
        let reply = try? RawHTTP.post(port: crashing.port, path: "/api/v1/feedback", body: form, contentType: "application/json")
        #expect(reply?.status != 201)
        try await Fixtures.waitForExit(crashing.process)
        #expect(crashing.process.terminationReason == .uncaughtSignal)
        let store = try TestStores.open(storePath)
        #expect(try store.submissions(.pending).count == 1)
        #expect(try store.records().isEmpty)

        // Until a run settles it, `quarantine list` shows it once it has been pending a minute.
        _ = try await Fixtures.offPool {
            try store.writing(exclusive: true) { db in
                try db.run("UPDATE raw_submissions SET received_at = ? WHERE disposition = 'pending'", [Timestamp.string(Date().addingTimeInterval(-120))])
            }
        }
        let listed = try await Fixtures.run(["quarantine", "list", "--store", storePath])
        #expect(listed.stdout.contains("interrupted"))
        #expect(listed.stderr.contains("0 quarantined submission(s), 1 interrupted"))

        // The web form user gave up, so nobody sends it again: the next serve settles it anyway.
        let server = try ServeProcess(storePath: storePath, folder: root, environment: ["LETTERBOX_INTAKE_PENDING_AFTER_SECONDS": "1"])
        defer { server.stop() }
        #expect(try await Fixtures.eventually(timeout: 20) { try store.records().count == 1 })
        #expect(try store.submissions(.pending).isEmpty)
        let record = try #require(try store.records().first)
        #expect(record.contact.email == "grace.adeyemi@mail.example")
        #expect(record.triage != nil)
    }

    @Test("A mistake in one adapter's section (a Twilio gateway with no token) stops serve with the reason, and never the mail pipe")
    func brokenSectionStopsOnlyServe() async throws {
        let root = try Fixtures.temporaryFolder("broken-section")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let config = root.appendingPathComponent("letterbox.yaml")
        try Data("sms:\n  gateways: [twilio]\n  twilio:\n    profile: twilio\n    publicURL: https://feedback.example.org/sms/twilio\n".utf8).write(to: config)
        let mail = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("01-complaint-plain.eml"))
        let piped = try await Fixtures.run(["ingest", "email", "--store", storePath], environment: ["LETTERBOX_CONFIG": config.path], stdin: mail)
        #expect(piped.status == 0)
        #expect(piped.stdout.hasPrefix("accepted"))
        let served = try await Fixtures.run(["serve", "--port", "0", "--store", storePath], environment: ["LETTERBOX_CONFIG": config.path])
        #expect(served.status == 78)
        #expect(served.stderr.contains("sms.twilio.authToken"))
    }

    @Test("walCheckpoint takes background or commit, and refuses anything else with the key named")
    func walCheckpointSetting() async throws {
        let root = try Fixtures.temporaryFolder("wal-checkpoint")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let mail = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("01-complaint-plain.eml"))
        let piped = try await Fixtures.run(["ingest", "email", "--store", storePath], environment: ["LETTERBOX_WAL_CHECKPOINT": "commit"], stdin: mail)
        #expect(piped.status == 0)
        let wrong = try await Fixtures.run(["stats", "--store", storePath], environment: ["LETTERBOX_WAL_CHECKPOINT": "sideways"])
        #expect(wrong.status == 78)
        #expect(wrong.stderr.contains("walCheckpoint must be background or commit"))
        for mode in ["commit", "background"] {
            let done = try await Fixtures.run(["stats", "--store", storePath], environment: ["LETTERBOX_WAL_CHECKPOINT": mode])
            #expect(done.status == 0, "\(mode): \(done.stderr)")
        }
    }
}
