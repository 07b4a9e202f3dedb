import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxForward
import LetterboxStore
import LetterboxTesting
import Logging
import Testing
import Synchronization

/// Emails as a mail server's pipe stores them, so records go through the real decoder and store.
enum Mail {
    static func raw(from: String, subject: String, body: String, id: String = UUID().uuidString, inReplyTo: String? = nil, attachments: [(String, Data)] = []) -> RawSubmission {
        var message = """
            From: Tenant <\(from)>\r
            To: complaints@housing.example\r
            Subject: \(subject)\r
            Date: Mon, 30 Nov 2026 09:00:00 +0000\r
            Message-ID: <\(id)@mail.example>\r

            """
        if let inReplyTo { message += "In-Reply-To: <\(inReplyTo)@mail.example>\r\n" }
        if attachments.isEmpty {
            message += "Content-Type: text/plain; charset=utf-8\r\n\r\n\(body.replacingOccurrences(of: "\n", with: "\r\n"))\r\n"
        } else {
            message += "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(body)\r\n"
            for (name, data) in attachments {
                message += "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"\(name)\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                message += data.base64EncodedString(options: .lineLength76Characters) + "\r\n"
            }
            message += "--b1--\r\n"
        }
        return RawSubmission(channel: .email, source: "test", receivedAt: Date(), bytes: Data(message.utf8), senderAssignedID: "<\(id)@mail.example>")
    }
}

/// A store (SQLite or PostgreSQL) with email intake, and workers over its outbox.
struct Setup {
    let root: URL
    let store: any CaseStore
    let intake: Intake

    init(_ backend: Backend) throws {
        root = try Fixtures.temporaryFolder("forward")
        store = try TestStores.make(backend, "forward")
        intake = Intake(backend: store, decoders: [EmailDecoder()])
    }

    @discardableResult
    func ingest(_ submissions: RawSubmission...) throws -> [IntakeOutcome] { try intake.ingest(submissions) }

    /// A case of `count` records from one sender (the first, then replies to it).
    @discardableResult
    func thread(_ sender: String, count: Int, topic: String) throws -> String {
        let first = UUID().uuidString
        let outcome = try ingest(Mail.raw(from: sender, subject: topic, body: "The \(topic) is broken and nobody has come to fix it.", id: first))
        for index in 1..<max(1, count) {
            try ingest(Mail.raw(from: sender, subject: "Re: \(topic)", body: "Update \(index): still waiting about the \(topic).", inReplyTo: first))
        }
        return outcome[0].reference!
    }

    func worker(_ configure: (inout ForwardConfiguration) -> Void) throws -> ForwardWorker {
        var configuration = ForwardConfiguration()
        configuration.schedule = RetrySchedule(delays: [0.3, 0.3, 0.3], jitter: 0)
        // Generous: the whole suite runs in parallel on two cores, and on a busy machine a local
        // request has taken over 10 s (tests of timeouts set their own).
        configuration.timeout = 30
        configure(&configuration)
        var logger = Logger(label: "forward-test")
        logger.logLevel = ProcessInfo.processInfo.environment["LETTERBOX_TEST_LOG"] == nil ? .critical : .debug
        return try configuration.makeWorker(store: store, logger: logger)
    }
}

func webhook(_ url: String, name: String = "crm") -> ForwardConfiguration.DestinationSettings {
    .init(name: name, kind: .webhook(url: url, secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]))
}

@Suite("Standard Webhooks signing")
struct SigningTests {
    let key = try! StandardWebhooks.key(fromSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

    @Test("The signer reproduces the specification's published test vector")
    func vector() {
        let signature = StandardWebhooks.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8), keys: [key]
        )
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("During a rotation both secrets sign, space-separated, and either verifies")
    func rotation() throws {
        let old = try StandardWebhooks.key(fromSecret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        let body = Data("{}".utf8)
        let now = Date()
        let header = StandardWebhooks.signature(id: "evt_1", timestamp: Int64(now.timeIntervalSince1970), body: body, keys: [key, old])
        #expect(header.split(separator: " ").count == 2)
        #expect(StandardWebhooks.verify(id: "evt_1", timestamp: String(Int64(now.timeIntervalSince1970)), signatures: header, body: body, keys: [old]))
        #expect(!StandardWebhooks.verify(id: "evt_1", timestamp: String(Int64(now.timeIntervalSince1970)), signatures: header, body: Data("{ }".utf8), keys: [key]))
        #expect(!StandardWebhooks.verify(id: "evt_1", timestamp: String(Int64(now.timeIntervalSince1970) - 600), signatures: header, body: body, keys: [key]))
        #expect(throws: StandardWebhooks.SecretError.self) { try StandardWebhooks.key(fromSecret: "whsec_short") }
    }

    @Test("The retry schedule is the specification's, and Retry-After replaces a step")
    func schedule() {
        let now = Date()
        let schedule = RetrySchedule(delays: RetrySchedule.standard.delays, jitter: 0)
        #expect(schedule.delays == [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400])
        #expect(schedule.nextAttempt(afterFailed: 1, retryAfter: nil, now: now) == now.addingTimeInterval(5))
        #expect(schedule.nextAttempt(afterFailed: 2, retryAfter: 42, now: now) == now.addingTimeInterval(42))
        #expect(schedule.nextAttempt(afterFailed: 10, retryAfter: nil, now: now) == nil)
    }
}

@Suite("The outbox in the store")
struct OutboxStoreTests {
    @Test("Each accepted record writes an event in its transaction; redeliveries, machine mail and quarantine write none", arguments: Backend.allCases)
    func events(_ backend: Backend) throws {
        let setup = try Setup(backend)
        let first = UUID().uuidString
        let original = Mail.raw(from: "anna@tenant.example", subject: "Leak", body: "Water is coming through the bathroom ceiling.", id: first)
        try setup.ingest(original)
        try setup.ingest(Mail.raw(from: "anna@tenant.example", subject: "Re: Leak", body: "Still leaking today, please send someone.", inReplyTo: first))
        try setup.ingest(original)  // redelivery
        try setup.ingest(RawSubmission(channel: .email, source: "test", receivedAt: Date(), bytes: Data([0, 1, 2])))  // quarantined
        try setup.store.queueEvents(destination: "crm")
        let rows = try setup.store.deliveries(destination: "crm")
        #expect(rows.map(\.type) == ["record.created", "record.linked"])
        #expect(rows[0].caseReference == rows[1].caseReference)
        #expect(Set(rows.map(\.eventId)).count == 2)
        #expect(rows.allSatisfy { $0.eventId.hasPrefix("evt_") && $0.eventId.count == 30 })
    }

    @Test("Closing, reopening, correcting triage and merging contacts are events too", arguments: Backend.allCases)
    func changes(_ backend: Backend) throws {
        let setup = try Setup(backend)
        let a = try setup.thread("anna@tenant.example", count: 1, topic: "boiler")
        let b = try setup.thread("bob@tenant.example", count: 1, topic: "lift")
        _ = try setup.store.setCaseStatus(reference: a, open: false, actor: "officer", reason: "Repaired")
        _ = try setup.store.setCaseStatus(reference: a, open: true, actor: "officer", reason: "Broke again")
        try setup.store.correctTriage(reference: b, kind: .complaint, category: nil, serviceArea: nil, reason: "Asked to complain", by: "officer")
        let contacts = try setup.store.records().compactMap(\.contactId)
        try setup.store.mergeContacts(keep: contacts[0], merge: contacts[1], actor: "officer", reason: "Same household account")
        try setup.store.queueEvents(destination: "crm")
        let types = try setup.store.deliveries(destination: "crm").map(\.type)
        // The two texts are worded alike, so once the contacts are one person their cases are joined too.
        #expect(types == ["record.created", "record.created", "case.closed", "case.reopened", "record.triage_corrected", "contact.merged", "case.joined"])
    }

    @Test("A claim takes the earliest waiting event of each case only, and holds it until its lease ends", arguments: Backend.allCases)
    func claims(_ backend: Backend) throws {
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 3, topic: "boiler")
        try setup.thread("bob@tenant.example", count: 2, topic: "lift")
        try setup.store.queueEvents(destination: "crm")
        let first = try setup.store.claimDeliveries(destination: "crm", limit: 10, lease: 60, worker: "a")
        #expect(first.count == 2)
        #expect(Set(first.map(\.caseId)).count == 2)
        #expect(try setup.store.claimDeliveries(destination: "crm", limit: 10, lease: 60, worker: "b").isEmpty)
        // Another worker takes them once the lease has ended (the first one died).
        let later = try setup.store.claimDeliveries(destination: "crm", limit: 10, lease: 60, worker: "b", now: Date().addingTimeInterval(61))
        #expect(later.map(\.deliveryId) == first.map(\.deliveryId))
        // The next event of a case becomes due only when the one before it is delivered.
        try setup.store.settleDeliveries(
            [DeliveryResult(deliveryId: first[0].deliveryId, outcome: .delivered, startedAt: Date(), seconds: 0.01, status: 204, answer: nil)],
            destination: "crm"
        )
        let next = try setup.store.claimDeliveries(destination: "crm", limit: 10, lease: 60, worker: "c", now: Date().addingTimeInterval(200))
        #expect(next.count == 2)
        #expect(next.contains { $0.caseId == first[0].caseId && $0.deliveryId != first[0].deliveryId })
    }

    @Test("A destination added later with `since` starts at that date; without it, from the first event", arguments: Backend.allCases)
    func positions(_ backend: Backend) throws {
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 2, topic: "boiler")
        #expect(try setup.store.queueEvents(destination: "all") == 2)
        #expect(try setup.store.queueEvents(destination: "new", since: Date().addingTimeInterval(3600)) == 0)
        try setup.thread("bob@tenant.example", count: 1, topic: "lift")
        #expect(try setup.store.queueEvents(destination: "new") == 1)
        #expect(try setup.store.queueEvents(destination: "all") == 1)
    }
}

@Suite("Webhook delivery to a receiver that checks signatures", .serialized)
struct WebhookTests {
    @Test("Every event arrives once, signed, in order per case, with the record in the export contract and its attachments", arguments: Backend.allCases)
    func delivers(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let setup = try Setup(backend)
        let photo = Data((0..<5000).map { UInt8($0 % 251) })
        try setup.ingest(Mail.raw(from: "anna@tenant.example", subject: "Mould", body: "Black mould in the bedroom.", attachments: [("mould.jpg", photo)]))
        try setup.thread("bob@tenant.example", count: 3, topic: "lift")
        let worker = try setup.worker { $0.destinations = [webhook(receiver.url)] }
        let summary = await worker.runOnce()
        // One event per case per round; the run goes on until nothing is due.
        #expect(summary.delivered == 4)
        let got = receiver.deliveries
        #expect(got.count == 4)
        #expect(got.allSatisfy { $0.signatureValid })
        let byCase = Dictionary(grouping: got, by: \.caseReference)
        #expect(byCase.values.map { $0.map(\.type) }.contains(["record.created", "record.linked", "record.linked"]))
        let mould = try #require(got.first { ($0.body["data"] as? [String: Any])?["attachments"] != nil && $0.body.description.contains("mould.jpg") })
        let files = try #require((mould.body["data"] as? [String: Any])?["attachments"] as? [[String: Any]])
        #expect(files.first?["content"] as? String == photo.base64EncodedString())
        #expect(files.first?["sha256"] as? String != nil)
        let rows = try setup.store.deliveries(destination: "crm")
        #expect(Set(got.map(\.id)) == Set(rows.map(\.eventId)))
        #expect(rows.allSatisfy { $0.state == "delivered" })
    }

    @Test("A receiver down for the whole first run gets everything, in order per case, once it is back", arguments: Backend.allCases)
    func outage(_ backend: Backend) async throws {
        let port = try freePort()
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 3, topic: "boiler")
        try setup.thread("bob@tenant.example", count: 2, topic: "lift")
        let down = try setup.worker { $0.destinations = [webhook("http://127.0.0.1:\(port)/hook")] }
        let failed = await down.runOnce()
        #expect(failed.failed == 2 && failed.delivered == 0)
        #expect(try setup.store.deliveries(destination: "crm", state: .retrying).count == 2)
        let receiver = try await Receiver.start(port: port)
        defer { Task { await receiver.stop() } }
        let service = try setup.worker { $0.destinations = [webhook(receiver.url)] }
        let task = Task { try await service.run() }
        #expect(await waitFor(seconds: 20) { Set(receiver.deliveries.map(\.id)).count >= 5 })
        task.cancel()
        _ = await task.result
        // At least once: on a starved machine an answer can come after the timeout, and the event
        // is sent again with the same id. Its first arrival is what keeps the order.
        var seen = Set<String>()
        let got = receiver.deliveries.filter { seen.insert($0.id).inserted }
        #expect(got.count == 5)
        for reference in Set(got.map(\.caseReference)) {
            let types = got.filter { $0.caseReference == reference }.map(\.type)
            #expect(types.first == "record.created" && types.dropFirst().allSatisfy { $0 == "record.linked" })
        }
    }

    @Test("500 and a reset connection are retried; 429's Retry-After is honoured; the last failure dead-letters; retry brings it back", arguments: Backend.allCases)
    func failures(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 1, topic: "boiler")
        receiver.mode.withLock { $0 = .fail(500) }
        let worker = { try setup.worker { $0.destinations = [webhook(receiver.url)]; $0.schedule = RetrySchedule(delays: [0.2], jitter: 0) } }
        #expect(try await worker().runOnce().failed == 1)
        var row = try #require(try setup.store.deliveries(destination: "crm").first)
        #expect(row.state == "retrying" && row.lastError?.contains("500") != false)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await worker().runOnce().dead == 1)
        row = try #require(try setup.store.deliveries(destination: "crm").first)
        #expect(row.state == "dead")
        let shown = try #require(try setup.store.delivery(id: row.id))
        #expect(shown.1.map(\.status) == [500, 500])
        receiver.mode.withLock { $0 = .retryAfter(seconds: 30) }
        #expect(try setup.store.retryDeliveries(destination: nil, actor: "officer") == 1)
        #expect(try await worker().runOnce().failed == 1)
        row = try #require(try setup.store.deliveries(destination: "crm").first)
        let wait = try #require(row.nextAttemptAt).timeIntervalSinceNow
        #expect(wait > 25 && wait <= 31)
        // A connection reset is a failure like any other, kept with the error.
        let reset = try ResettingListener()
        defer { reset.stop() }
        try setup.store.retryDeliveries(id: row.id, actor: "officer")
        let resetting = try setup.worker { $0.destinations = [webhook("http://127.0.0.1:\(reset.port)/hook")] }
        #expect(await resetting.runOnce().failed == 1)
        receiver.mode.withLock { $0 = .accept }
        try setup.store.retryDeliveries(id: row.id, actor: "officer")
        #expect(try await worker().runOnce().delivered == 1)
        #expect(receiver.deliveries.count == 1)
    }

    @Test("410 disables the destination and keeps its events until an operator enables it", arguments: Backend.allCases)
    func gone(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 2, topic: "boiler")
        receiver.mode.withLock { $0 = .gone }
        let worker = { try setup.worker { $0.destinations = [webhook(receiver.url)] } }
        #expect(try await worker().runOnce().gone == 1)
        receiver.mode.withLock { $0 = .accept }
        #expect(try await worker().runOnce().delivered == 0)
        #expect(try setup.store.outboxCounts().first?.disabledReason?.contains("410") == true)
        #expect(try setup.store.enableDestination("crm", actor: "officer"))
        _ = try await worker().runOnce()
        _ = try await worker().runOnce()
        #expect(receiver.deliveries.map(\.type) == ["record.created", "record.linked"])
    }

    @Test("A receiver that stalls past the timeout is a failure; a case that keeps failing holds up no other case", arguments: Backend.allCases)
    func stallAndIsolation(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 1, topic: "boiler")
        receiver.mode.withLock { $0 = .stall(seconds: 4) }
        // Its next attempt a minute away: with the suite's 0.3 s the failed case came due again
        // while a busy machine ingested bob's mail, and was delivered beside it.
        let stalled = try setup.worker {
            $0.destinations = [webhook(receiver.url)]
            $0.timeout = 1
            $0.schedule = RetrySchedule(delays: [60], jitter: 0)
        }
        #expect(await stalled.runOnce().failed == 1)
        #expect(try setup.store.deliveries(destination: "crm").first?.lastError?.contains("No answer within 1 s") == true)
        // That case stays retrying (its next attempt is later); another case goes straight through.
        receiver.mode.withLock { $0 = .accept }
        try setup.thread("bob@tenant.example", count: 1, topic: "lift")
        let worker = try setup.worker { $0.destinations = [webhook(receiver.url)]; $0.schedule = RetrySchedule(delays: [60], jitter: 0) }
        #expect(await worker.runOnce().delivered == 1)
    }

    @Test("Replay sends delivered events again with their original ids; a failing destination holds up no other destination", arguments: Backend.allCases)
    func replayAndIsolation(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let setup = try Setup(backend)
        try setup.thread("anna@tenant.example", count: 2, topic: "boiler")
        let down = try freePort()
        let worker = try setup.worker {
            $0.destinations = [webhook(receiver.url), webhook("http://127.0.0.1:\(down)/hook", name: "down")]
            $0.schedule = RetrySchedule(delays: [60], jitter: 0)
        }
        let summary = await worker.runOnce()
        #expect(summary.delivered == 2 && summary.failed == 1)
        #expect(receiver.deliveries.count == 2)
        #expect(try setup.store.replayDeliveries(destination: "crm", since: Date().addingTimeInterval(-3600), actor: "officer") == 2)
        let again = try setup.worker { $0.destinations = [webhook(receiver.url)] }
        #expect(await again.runOnce().delivered == 2)
        let ids = receiver.deliveries.map(\.id)
        #expect(ids.count == 4 && Array(ids[2...]) == Array(ids[..<2]))
        #expect(try setup.store.deliveries(destination: "down").map(\.state) == ["retrying", "pending"])
    }

    @Test("HTTPS: a certificate from an unknown CA is refused; with forward.caFile naming that CA, delivered")
    func tls() async throws {
        let folder = try Fixtures.temporaryFolder("tls")
        let script = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Letterbox test CA" \
              -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
            printf "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf
            """
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/bin/sh")
        openssl.arguments = ["-c", script]
        openssl.currentDirectoryURL = folder
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        try await Fixtures.offPool { openssl.waitUntilExit() }
        try #require(openssl.terminationStatus == 0)
        let receiver = try await Receiver.start(tls: (folder.appendingPathComponent("server.pem").path, folder.appendingPathComponent("server.key").path))
        defer { Task { await receiver.stop() } }
        let setup = try Setup(.sqlite)
        try setup.thread("anna@tenant.example", count: 1, topic: "boiler")
        let strict = try setup.worker { $0.destinations = [webhook(receiver.httpsURL)] }
        #expect(await strict.runOnce().failed == 1)
        let error = try #require(try setup.store.deliveries(destination: "crm").first?.lastError)
        #expect(error.localizedCaseInsensitiveContains("certificate") || error.localizedCaseInsensitiveContains("handshake") || error.contains("SSL"))
        #expect(receiver.deliveries.isEmpty)
        let rows = try setup.store.deliveries(destination: "crm")
        try setup.store.retryDeliveries(id: rows[0].id, actor: "test")
        let trusting = try setup.worker { $0.destinations = [webhook(receiver.httpsURL)]; $0.caFile = folder.appendingPathComponent("ca.pem").path }
        #expect(await trusting.runOnce().delivered == 1)
        #expect(receiver.deliveries.count == 1 && receiver.deliveries[0].signatureValid)
    }

    @Test("A 5 MB text with 20 attachments arrives whole; past the size limit, attachments go as metadata, flagged", arguments: Backend.allCases)
    func large(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let setup = try Setup(backend)
        let text = String(repeating: "The damp is worse every week. ", count: 5_000_000 / 30)
        let files = (1...20).map { ("photo-\($0).jpg", Data(repeating: UInt8($0), count: 100_000)) }
        try setup.ingest(Mail.raw(from: "anna@tenant.example", subject: "Damp", body: text, attachments: files))
        var settings = webhook(receiver.url)
        settings.attachmentLimit = 1_000_000
        let worker = try setup.worker { $0.destinations = [settings] }
        #expect(await worker.runOnce().delivered == 1)
        let data = try #require(receiver.deliveries.first?.body["data"] as? [String: Any])
        let sent = try #require(data["attachments"] as? [[String: Any]])
        #expect(sent.count == 20)
        #expect(sent.filter { $0["content"] != nil }.count == 10)
        #expect(data["attachmentsOmitted"] as? Bool == true)
        #expect(((data["record"] as? [String: Any])?["body"] as? String)?.utf8.count ?? 0 >= 4_900_000)
    }
}

func freePort() throws -> Int {
    let listener = try ResettingListener()
    listener.stop()
    return listener.port
}

func waitFor(seconds: Double, _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

@Suite("The store's disk fills while a delivery is marked", .serialized)
struct DiskFullTests {
    @Test("The receiver got it, the mark failed: nothing is lost, and once there is room the same event is sent again and marked")
    func diskFullWhileMarking() async throws {
        guard let disk = SmallDisk.mount(megabytes: 8) else {
            print("Skipped: mounting a small tmpfs needs root.")
            return
        }
        defer { disk.unmount() }
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let store = try SQLiteCaseStore(path: disk.path.appendingPathComponent("letterbox.sqlite").path)
        let intake = Intake(store: store, decoders: [EmailDecoder()])
        _ = try intake.ingest([Mail.raw(from: "anna@tenant.example", subject: "Leak", body: "Water through the ceiling.")])
        receiver.onAccept.withLock { $0 = { disk.fill() } }
        var configuration = ForwardConfiguration(destinations: [webhook(receiver.url)], timeout: 5)
        configuration.lease = 1
        var logger = Logger(label: "disk-full")
        logger.logLevel = .critical
        let first = try configuration.makeWorker(store: store, logger: logger)
        #expect(await first.runOnce().delivered == 0)  // sent, but the store could not record it
        #expect(receiver.deliveries.count == 1)
        receiver.onAccept.withLock { $0 = nil }
        disk.free()
        // Reading still works, and the event is still waiting.
        #expect(try store.deliveries(destination: "crm").first?.state == "pending")
        try await Task.sleep(for: .seconds(10.5))  // the claim's lease (timeout + 5 s) lapses
        let second = try configuration.makeWorker(store: store, logger: logger)
        #expect(await second.runOnce().delivered == 1)
        let got = receiver.deliveries
        #expect(got.count == 2 && got[0].id == got[1].id)
        #expect(try store.deliveries(destination: "crm").first?.state == "delivered")
    }
}
