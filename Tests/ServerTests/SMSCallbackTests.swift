import Foundation
import GRDB
import LetterboxCore
import LetterboxServer
import LetterboxSMS
import LetterboxStore
import LetterboxTesting
import Testing

@Suite("SMS callbacks over real HTTP")
struct SMSCallbackTests {
    @Test("A Kannel post is stored once, answered 200 with an empty body; the retry with the same kid creates nothing", arguments: Backend.allCases)
    func kannelIdempotent(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let body = try harness.corpus("kannel-boiler.xml")
        let first = try await harness.postXML("/sms/kannel?kid=6da8964e-5e60", body)
        #expect(first.status == 200)
        #expect(first.body.isEmpty)
        let again = try await harness.postXML("/sms/kannel?kid=6da8964e-5e60", body)
        #expect(again.status == 200)
        #expect(again.body.isEmpty)
        let records = try harness.store.records()
        #expect(records.count == 1)
        #expect(records.first?.contact.phone?.e164 == "+447700900482")
        #expect(records.first?.body.contains("boiler at 12 Elm Close") == true)
        #expect(records.first?.statedKind == "complaint")
        #expect(records.first?.idempotencyKey == "sms:kannel:6da8964e-5e60")
        let counts = try harness.store.dispositionCounts()[.sms]
        #expect(counts?[.accepted] == 1)
        #expect(counts?[.redelivery] == 1)
        let metrics = try await harness.request("GET", "/metrics").text
        #expect(metrics.contains(#"letterbox_submissions_total{channel="sms",disposition="redelivery"} 1"#))
        await harness.stop()
    }

    @Test("Esendex: an inbound text becomes a record; a delivery report and an opt-out are ignored with their reasons", arguments: Backend.allCases)
    func esendex(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        for name in ["esendex-inbound.xml", "esendex-delivered.xml", "esendex-optout.xml"] {
            let reply = try await harness.postXML("/sms/esendex", try harness.corpus(name))
            #expect(reply.status == 200, "\(name)")
        }
        #expect(try harness.store.records().map(\.body) == ["Thank you to Dave the caretaker for clearing the bins so quickly at Oak House."])
        let ignored = try harness.store.submissions(.ignored)
        #expect(Set(ignored.compactMap(\.errorCode)) == ["delivery_report", "opt_out"])
        await harness.stop()
    }

    @Test("Two parts of a long text posted separately become one record, however they interleave with other texts", arguments: Backend.allCases)
    func parts(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        #expect(try await harness.postXML("/sms/kannel?kid=p2", try harness.corpus("kannel-long-part2.xml")).status == 200)
        #expect(try harness.store.records().isEmpty)
        #expect(try await harness.postXML("/sms/kannel?kid=other", try harness.corpus("kannel-welsh-ucs2.xml")).status == 200)
        #expect(try await harness.postXML("/sms/kannel?kid=p1", try harness.corpus("kannel-long-part1.xml")).status == 200)
        // A retried part changes nothing.
        #expect(try await harness.postXML("/sms/kannel?kid=p1", try harness.corpus("kannel-long-part1.xml")).status == 200)
        let records = try harness.store.records().sorted { $0.id < $1.id }
        #expect(records.count == 2)
        let joined = try #require(records.last)
        #expect(joined.body == "Part one of a long complaint: damp and mould in the bathroom at 4 Oak House, part two: please send someone this week.")
        #expect(joined.contact.phone?.e164 == "+447700900517")
        #expect(try harness.store.submissions(.ignored).count == 2)
        await harness.stop()
    }

    @Test("A part is held in the same commit that answers it: the pipeline alone (no server) joins two parts, and a lone part is in the sweep's table at once", arguments: Backend.allCases)
    func partsHeldInTheirCommit(_ backend: Backend) throws {
        let store = try TestStores.make(backend, "parts")
        let intake = Intake(backend: store, adapters: [SMSAdapter()])
        func part(_ name: String, kid: String) throws -> RawSubmission {
            RawSubmission(
                channel: .sms, source: "sms/kannel", receivedAt: Date(),
                bytes: try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent(name)),
                transportKey: "kannel:\(kid)", metadata: ["gateway": "kannel", "query.kid": kid]
            )
        }
        let first = try intake.ingest([try part("kannel-long-part1.xml", kid: "a1")])[0]
        #expect(first.disposition == .ignored)
        #expect(first.errorCode == "sms_part")
        // Nothing after the commit is needed for the sweep to see it.
        let waiting = try store.partsWaiting(since: Date().addingTimeInterval(60))
        #expect(waiting.count == 1)
        #expect(waiting.first?.first?.rawSubmissionId == first.rawSubmissionId)
        #expect(try store.records().isEmpty)
        _ = try intake.ingest([try part("kannel-long-part2.xml", kid: "a2")])
        let records = try store.records()
        #expect(records.count == 1)
        #expect(records.first?.body.hasPrefix("Part one of a long complaint") == true)
        #expect(try store.partsWaiting(since: Date().addingTimeInterval(60)).isEmpty)
        // A lone part is joined by the sweep, through the pipeline.
        _ = try intake.ingest([try part("kannel-long-part1.xml", kid: "b1").with(from: "447700900555")])
        #expect(try intake.joinWaitingParts(olderThan: Date().addingTimeInterval(-60)).isEmpty)
        let joined = try intake.joinWaitingParts(olderThan: Date().addingTimeInterval(60))
        #expect(joined.count == 1)
        #expect(joined.first?.disposition == .accepted)
        #expect(try store.records().count == 2)
    }

    @Test("A long text whose second part never comes is recorded after the wait, the gap marked and flagged", arguments: Backend.allCases)
    func partTimeout(_ backend: Backend) async throws {
        // 20 s, not 1: with every suite running at once on two busy cores, a post has taken over
        // eight seconds.
        let harness = try await ServerHarness.start(backend) { $0.partTimeout = 20 }
        let posted = Date()
        #expect(try await harness.postXML("/sms/kannel?kid=lonely", try harness.corpus("kannel-long-part1.xml")).status == 200)
        // Not recorded before the wait, unless the wait has already gone by (on a slow machine
        // CI saw it pass between the post and this read).
        #expect(try harness.store.records().isEmpty || Date().timeIntervalSince(posted) >= 20)
        let arrived = try await Fixtures.eventually(timeout: 60) { try !harness.store.records().isEmpty }
        #expect(arrived)
        let record = try #require(try harness.store.records().first)
        #expect(record.body.contains("[part 2 of 2 did not arrive]"))
        #expect(record.flags.contains { $0.flag.rawValue == "incomplete_text" })
        await harness.stop()
    }

    @Test("A client that stops sending is disconnected after the idle timeout")
    func slowClient() async throws {
        let harness = try await ServerHarness.start(.sqlite) { $0.idleTimeout = 1 }
        let start = Date()
        // Half a request line, then nothing: the server must close the connection.
        let raw = try RawHTTP.exchange(port: harness.port, bytes: Data("POST /sms/kannel HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<message>".utf8))
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.9)
        #expect(waited < 30)
        #expect(!String(decoding: raw, as: UTF8.self).contains("200 OK"))
        #expect(try harness.store.records().isEmpty)
        await harness.stop()
    }

    @Test("Authentication: a wrong secret gets 401 and the text is kept in quarantine with the reason; the right one is stored", arguments: Backend.allCases)
    func authentication(_ backend: Backend) async throws {
        let secret = "s3cret-value"
        let harness = try await ServerHarness.start(backend) { configuration in
            configuration.gateways = [
                "kannel": .init(profile: .kannel, auth: .query(parameter: "key", secret: secret)),
                "esendex": .init(profile: .esendex, auth: .basic(username: "esendex", password: secret)),
                "signed": .init(profile: .esendex, auth: .hmacSHA256(header: "X-Signature", secret: secret)),
                "header": .init(profile: .esendex, auth: .header(name: "X-Letterbox-Secret", secret: secret)),
            ]
        }
        let kannel = try harness.corpus("kannel-boiler.xml")
        let wrong = try await harness.postXML("/sms/kannel?kid=a1&key=wrong", kannel)
        #expect(wrong.status == 401)
        let quarantined = try harness.store.submissions(.quarantined)
        #expect(quarantined.count == 1)
        #expect(quarantined.first?.reason?.contains("does not match the shared secret") == true)
        // The secret is never stored with the submission.
        #expect(quarantined.first?.metadata["query.key"] == nil)
        #expect(quarantined.first?.metadata["query.kid"] == "a1")
        #expect(try await harness.postXML("/sms/kannel?kid=a1&key=\(secret)", kannel).status == 200)
        #expect(try harness.store.records().count == 1)

        let esendex = try harness.corpus("esendex-inbound.xml")
        let noAuth = try await harness.postXML("/sms/esendex", esendex)
        #expect(noAuth.status == 401)
        #expect(noAuth.headers["www-authenticate"]?.hasPrefix("Basic") == true)
        let basic = "Basic " + Data("esendex:\(secret)".utf8).base64EncodedString()
        #expect(try await harness.postXML("/sms/esendex", esendex, headers: ["Authorization": basic]).status == 200)

        let signed = Data(#"<InboundMessage><MessageId>sig-1</MessageId><MessageText>Signed</MessageText><From>447700900123</From></InboundMessage>"#.utf8)
        let mac = HMACForTests.sha256Hex(key: secret, body: signed)
        #expect(try await harness.postXML("/sms/signed", signed, headers: ["X-Signature": "sha256=" + mac]).status == 200)
        #expect(try await harness.postXML("/sms/signed", signed, headers: ["X-Signature": String(repeating: "0", count: 64)]).status == 401)
        #expect(try await harness.postXML("/sms/header", signed, headers: ["X-Letterbox-Secret": "nope"]).status == 401)
        #expect(try await harness.postXML("/sms/header", signed, headers: ["X-Letterbox-Secret": secret]).status == 200)
        #expect(try harness.store.submissions(.quarantined).count == 4)
        await harness.stop()
    }

    @Test("Bad callbacks: malformed XML, XXE and an entity bomb get 400 and are kept; unknown gateway 404; not XML 415; too large 413", arguments: Backend.allCases)
    func badInput(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let xxe = #"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><message><submit><oa><number>447700900123</number></oa><ud>&x;</ud></submit></message>"#
        let bomb = #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><message><submit><ud>&d;</ud></submit></message>"#
        for body in ["<message><submit><ud>broken", xxe, bomb] {
            let reply = try await harness.postXML("/sms/kannel", Data(body.utf8))
            #expect(reply.status == 400)
            #expect(!reply.text.contains("root:"))
        }
        #expect(try harness.store.submissions(.quarantined).count == 3)
        #expect(try harness.store.records().isEmpty)

        #expect(try await harness.postXML("/sms/nosuch", try harness.corpus("kannel-boiler.xml")).status == 404)
        let json = try await harness.request("POST", "/sms/kannel", body: Data("{}".utf8), contentType: "application/json")
        #expect(json.status == 415)
        #expect(try harness.store.submissions(.quarantined).count == 4)

        let huge = Data(count: 100 * 1024 * 1024)
        let tooLarge = try await harness.postXML("/sms/kannel", huge)
        #expect(tooLarge.status == 413)
        // The server is still answering.
        #expect(try await harness.request("GET", "/healthz").status == 200)
        await harness.stop()
    }

    @Test("A store that cannot be written answers 503 with Retry-After, so the gateway retries; readyz says not ready")
    func storeUnavailable() async throws {
        let harness = try await ServerHarness.start(.sqlite, storeOptions: .init(busyTimeout: 0.2))
        // Another process (here, another connection) holds the write lock. (PostgreSQL's own case,
        // the database gone, is PostgresIntakeTests.databaseLost.)
        let sqlite = try #require(harness.store as? SQLiteCaseStore)
        let blocker = try DatabaseQueue(path: sqlite.path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? blocker.inDatabase { db in
                try db.inTransaction(.exclusive) {
                    locked.signal()
                    release.wait()
                    return .rollback
                }
            }
        }
        holder.start()
        locked.wait()
        let reply = try await harness.postXML("/sms/kannel?kid=busy-1", try harness.corpus("kannel-boiler.xml"))
        #expect(reply.status == 503)
        #expect(reply.headers["retry-after"] != nil)
        #expect(try await harness.request("GET", "/readyz").status == 503)
        release.signal()
        try await Task.sleep(for: .milliseconds(100))
        // The gateway's retry is stored.
        #expect(try await harness.postXML("/sms/kannel?kid=busy-1", try harness.corpus("kannel-boiler.xml")).status == 200)
        #expect(try harness.store.records().count == 1)
        #expect(try await harness.request("GET", "/readyz").status == 200)
        await harness.stop()
    }

    @Test("Concurrent callbacks are group-committed: every one is answered and stored exactly once", arguments: Backend.allCases)
    func concurrent(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let template = try harness.corpus("kannel-boiler.xml")
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<64 {
                group.addTask { try await harness.postXML("/sms/kannel?kid=c-\(index % 48)", template).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(try harness.store.records().count == 48)
        await harness.stop()
    }
}

import Crypto

enum HMACForTests {
    static func sha256Hex(key: String, body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}

extension RawSubmission {
    /// The same Kannel part from another sender (another long text with the same reference).
    func with(from sender: String) -> RawSubmission {
        var copy = self
        copy.bytes = Data(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "447700900517", with: sender).utf8)
        return copy
    }
}
