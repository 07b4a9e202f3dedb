import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import LetterboxSMS
import LetterboxTwilio
import Testing

@Suite("Twilio inbound messages over real HTTP")
struct TwilioTests {
    static let token = "0123456789abcdef0123456789abcdef"
    static let publicURL = "https://feedback.example.org/sms/twilio"

    /// An inbound message as Twilio posts it (the fields of its messaging webhook).
    static func message(sid: String = "SM1f0e8ae6ade43cb3c0ce4525424e404f", body: String, media: [(String, String)] = []) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("ToCountry", "GB"), ("ToState", ""), ("SmsMessageSid", sid), ("NumMedia", String(media.count)),
            ("ToCity", ""), ("FromZip", ""), ("SmsSid", sid), ("FromState", ""), ("SmsStatus", "received"),
            ("FromCity", ""), ("Body", body), ("FromCountry", "GB"), ("To", "+447700900001"), ("ToZip", ""),
            ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            ("From", "+447700900412"), ("ApiVersion", "2010-04-01"),
        ]
        for (index, item) in media.enumerated() {
            fields.append(("MediaUrl\(index)", item.0))
            fields.append(("MediaContentType\(index)", item.1))
        }
        return fields
    }

    static func signature(_ fields: [(String, String)], url: String = publicURL, token: String = token) -> String {
        TwilioRequest(fields: fields.map { (name: $0.0, value: $0.1) }).signature(url: url, authToken: token)
    }

    static func start() async throws -> ServerHarness {
        try await ServerHarness.start(.sqlite) { $0.twilio = [.init(name: "twilio", publicURL: publicURL, authTokens: [token])] }
    }

    @Test("The signature matches the example in Twilio's security documentation")
    func publishedExample() {
        // https://www.twilio.com/docs/usage/security#validating-requests (auth token 12345).
        let request = TwilioRequest(fields: [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
            ("From", "+14158675309"), ("To", "+18005551212"),
        ])
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        #expect(request.signature(url: url, authToken: "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        #expect(request.isSigned("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, authTokens: ["wrong", "12345"]))
        #expect(!request.isSigned("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url + "&baz=3", authTokens: ["12345"]))
    }

    @Test("A signed message is one record, answered with an empty TwiML Response; Twilio's retry with the same MessageSid creates nothing")
    func signedMessage() async throws {
        let harness = try await Self.start()
        let fields = Self.message(body: "COMPLAINT the lift at Birch House has been broken for 3 weeks & my mum can't get out")
        let first = try await harness.postForm(fields, path: "/sms/twilio", headers: ["X-Twilio-Signature": Self.signature(fields)])
        #expect(first.status == 200)
        #expect(first.headers["content-type"]?.hasPrefix("text/xml") == true)
        #expect(first.text.contains("<Response/>"))
        let again = try await harness.postForm(fields, path: "/sms/twilio", headers: ["X-Twilio-Signature": Self.signature(fields)])
        #expect(again.status == 200)
        #expect(again.text.contains("<Response/>"))
        let records = try harness.store.records()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.channel == .sms)
        #expect(record.contact.phone?.e164 == "+447700900412")
        #expect(record.body == "COMPLAINT the lift at Birch House has been broken for 3 weeks & my mum can't get out")
        #expect(record.statedKind == "complaint")
        #expect(record.idempotencyKey == "sms:twilio:SM1f0e8ae6ade43cb3c0ce4525424e404f")
        #expect(record.extraFields.contains(ExtraField(name: "Gateway message id", value: "SM1f0e8ae6ade43cb3c0ce4525424e404f")))
        // Read in the request handler, triage included.
        #expect(record.triage != nil)
        #expect(try harness.store.dispositionCounts()[.sms]?[.redelivery] == 1)
        await harness.stop()
    }

    @Test("A picture message: the media are recorded with their URLs and types, not fetched; a text with only a picture is kept")
    func media() async throws {
        let harness = try await Self.start()
        let url = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM1/Media/ME1"
        let fields = Self.message(sid: "MM1", body: "", media: [(url, "image/jpeg")])
        let reply = try await harness.postForm(fields, path: "/sms/twilio", headers: ["X-Twilio-Signature": Self.signature(fields)])
        #expect(reply.status == 200)
        let record = try #require(try harness.store.records().first)
        #expect(record.extraFields.contains(ExtraField(name: "Media 1", value: "image/jpeg \(url)")))
        #expect(record.attachments.isEmpty)
        await harness.stop()
    }

    @Test("A bad or missing signature is 403 and the body is kept in quarantine with the reason; so is one signed over the wrong URL")
    func badSignature() async throws {
        let harness = try await Self.start()
        let fields = Self.message(sid: "SMbad", body: "The boiler is broken again")
        let wrongToken = Self.signature(fields, token: "not-the-token")
        #expect(try await harness.postForm(fields, path: "/sms/twilio", headers: ["X-Twilio-Signature": wrongToken]).status == 403)
        #expect(try await harness.postForm(Self.message(sid: "SMnone", body: "x"), path: "/sms/twilio").status == 403)
        // Signed over the URL Letterbox sees, not the public one Twilio posts to: refused.
        let local = Self.signature(fields, url: "http://127.0.0.1:\(harness.port)/sms/twilio")
        #expect(try await harness.postForm(fields, path: "/sms/twilio", headers: ["X-Twilio-Signature": local]).status == 403)
        // A changed body under a good signature.
        var changed = fields
        changed[10] = ("Body", "Send the money to this account")
        #expect(try await harness.postForm(changed, path: "/sms/twilio", headers: ["X-Twilio-Signature": Self.signature(fields)]).status == 403)
        #expect(try harness.store.records().isEmpty)
        let kept = try harness.store.submissions(.quarantined)
        #expect(kept.count == 3)  // the same MessageSid twice is one quarantined submission
        #expect(kept.allSatisfy { $0.reason?.contains("Twilio signature check failed") == true })
        #expect(kept.contains { $0.reason?.contains("no X-Twilio-Signature") == true })
        await harness.stop()
    }

    @Test("A body that is not urlencoded is 415 and kept in quarantine")
    func notUrlencoded() async throws {
        let harness = try await Self.start()
        let body = Data("{\"Body\":\"hi\"}".utf8)
        let signature = TwilioRequest(fields: []).signature(url: Self.publicURL, authToken: Self.token)
        let reply = try await harness.request("POST", "/sms/twilio", body: body, contentType: "application/json", headers: ["X-Twilio-Signature": signature])
        #expect(reply.status == 415)
        #expect(try harness.store.submissions(.quarantined).count == 1)
        await harness.stop()
    }

    @Test("The fuzzer's corpus and crashers (Fuzz/*/twilio) decode or are refused with a reason, nothing else")
    func fuzzRegressions() throws {
        let root = Fixtures.packageRoot.appendingPathComponent("Fuzz")
        var count = 0
        for kind in ["corpus", "crashers"] {
            let folder = root.appendingPathComponent(kind).appendingPathComponent("twilio")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where !name.hasPrefix(".") {
                let body = try Data(contentsOf: folder.appendingPathComponent(name))
                let submission = RawSubmission(channel: .sms, source: "fuzz", receivedAt: Date(), bytes: body, metadata: ["gateway": "twilio"])
                do { _ = try TwilioDecoder().decode(submission) } catch is IntakeError {}
                count += 1
            }
        }
        #expect(count >= 1)
    }

    @Test("Dispatch: a stamped submission goes to its adapter's decoder, an unstamped one to its channel's own adapter; a missing adapter is named in the quarantine reason")
    func dispatch() throws {
        let root = try Fixtures.temporaryFolder("dispatch")
        let store = try SQLiteCaseStore(path: root.appendingPathComponent("letterbox.sqlite").path)
        // Twilio first, so the first decoder for `sms` is not the XML one.
        let both = Intake(store: store, adapters: [TwilioAdapter(gateways: []), SMSAdapter()])
        let kannel = RawSubmission(
            channel: .sms, source: "sms/kannel", receivedAt: Date(),
            bytes: try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent("kannel-boiler.xml")),
            transportKey: "kannel:old-1", metadata: ["gateway": "kannel"]
        )
        #expect(try both.ingest([kannel])[0].disposition == .accepted)
        let fields = Self.message(sid: "SMdispatch", body: "The bins were not collected")
        let body = Data(ServerHarness.urlEncoded(fields).utf8)
        let twilio = RawSubmission(channel: .sms, source: "sms/twilio", receivedAt: Date(), bytes: body, transportKey: "twilio:SMdispatch", metadata: ["gateway": "twilio", "adapter": "twilio"])
        let xmlOnly = Intake(store: store, adapters: [SMSAdapter()])
        let refused = try xmlOnly.ingest([twilio])[0]
        #expect(refused.disposition == .quarantined)
        #expect(refused.reason?.contains("No decoder is installed for the twilio adapter") == true)
        #expect(try both.retry(rawSubmissionId: refused.rawSubmissionId).disposition == .accepted)
    }
}

/// Twilio's media host as the test plays it: a media URL needs the account's credentials and
/// answers with a redirect to the content store, as Twilio's does.
final class MediaHost: Sendable {
    static let picture = Data((0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    let port: Int
    let authorizations: Mutex<[String: String]>
    private let task: Task<Void, any Error>

    static func start(credentials: String) async throws -> MediaHost {
        let box = Mutex<MediaHost?>(nil)
        let ports = Mutex(0)
        let router = Router()
        router.get("/2010-04-01/Accounts/:account/Messages/:message/Media/:medium") { request, context -> Response in
            let medium = context.parameters.get("medium") ?? ""
            box.withLock { $0 }?.authorizations.withLock { $0[medium] = request.headers[.authorization] ?? "" }
            guard request.headers[.authorization] == credentials else { return Response(status: .unauthorized) }
            let port = ports.withLock { $0 }
            switch medium {
            case "ME1": return Response(status: .temporaryRedirect, headers: [.location: "http://127.0.0.1:\(port)/cdn/ME1"])
            case "ME2": return Response(status: .temporaryRedirect, headers: [.location: "http://localhost:\(port)/cdn/ME2"])
            case "BIG": return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: [UInt8](repeating: 1, count: 70_000))))
            default: return Response(status: .notFound)
            }
        }
        router.get("/cdn/:medium") { request, context -> Response in
            box.withLock { $0 }?.authorizations.withLock { $0["cdn-" + (context.parameters.get("medium") ?? "")] = request.headers[.authorization] ?? "" }
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: MediaHost.picture)))
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "media")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let task = Task { try await app.runService() }
        var bound = 0
        for await value in stream {
            bound = value
            break
        }
        ports.withLock { $0 = bound }
        let host = MediaHost(port: bound, task: task)
        box.withLock { $0 = host }
        return host
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.authorizations = Mutex([:])
        self.task = task
    }

    func url(_ medium: String) -> String {
        "http://127.0.0.1:\(port)/2010-04-01/Accounts/\(TwilioTests.account)/Messages/MM2/Media/\(medium)"
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

extension TwilioTests {
    static let account = "AC0123456789abcdef0123456789abcdef"

    @Test("fetchMedia: the picture is fetched with the account's credentials and stored as an attachment; a failure is flagged with its reason and the text kept; credentials never leave the media hosts")
    func fetchedMedia() async throws {
        let credentials = "Basic " + Data("\(Self.account):\(Self.token)".utf8).base64EncodedString()
        let host = try await MediaHost.start(credentials: credentials)
        // 120 s: the media host below answers from this process's cooperative pool, which every
        // suite running at once shares; on two busy cores a local fetch has taken over 10 s, and
        // in CI over 30 s (the flag said "no answer within 30 s"). The fetcher's own limit
        // is not what this test is about.
        let fetcher = TwilioMediaFetcher(hosts: ["127.0.0.1"], maxBytes: 64_000, timeout: 120)
        let harness = try await ServerHarness.start(.sqlite) { $0.twilio = [.init(name: "twilio", publicURL: Self.publicURL, authTokens: [Self.token], media: fetcher)] }
        let elsewhere = "https://media.example.invalid/2010-04-01/Accounts/\(Self.account)/Messages/MM2/Media/ME9"
        let media = [
            (host.url("ME1"), "image/jpeg"), (host.url("ME2"), "image/jpeg"), (host.url("ME3"), "image/png"),
            (host.url("BIG"), "image/png"), (elsewhere, "image/gif"),
        ]
        let fields = Self.message(sid: "MM2", body: "Photo of the mould in the bathroom", media: media)
        let reply = try await harness.postForm(fields, path: "/sms/twilio", headers: ["X-Twilio-Signature": Self.signature(fields)])
        #expect(reply.status == 200)
        #expect(reply.text.contains("<Response/>"))
        let record = try #require(try harness.store.records().first)
        #expect(record.body == "Photo of the mould in the bathroom")
        #expect(record.attachments.count == 1, "flags: \(record.flags.map(\.reason))")
        let attachment = try #require(record.attachments.first)
        #expect(attachment.name == "media-1.jpg" && attachment.mediaType == "image/jpeg" && attachment.size == MediaHost.picture.count)
        #expect(try harness.store.blob(sha256: attachment.sha256) == MediaHost.picture)
        // Every medium is still listed with its link.
        #expect(record.extraFields.filter { $0.name.hasPrefix("Media ") }.count == 5)
        let flag = try #require(record.flags.first { $0.flag == .mediaNotFetched })
        #expect(flag.reason.contains("Media 2"))
        let stored = try #require(try harness.store.submissions(.accepted).first)
        let raw = try #require(try harness.store.blob(sha256: stored.sha256))
        let reasons = String(decoding: raw, as: UTF8.self)
        #expect(reasons.contains("redirected to localhost over plain HTTP"))
        #expect(reasons.contains("HTTP 404"))
        #expect(reasons.contains("over maxMediaBytes"))
        #expect(reasons.contains("media.example.invalid is not one of mediaHosts"))
        // Credentials went to the media host, and not to the content store it redirected to on another host.
        let seen = host.authorizations.withLock { $0 }
        #expect(seen["ME1"] == credentials && seen["cdn-ME1"] == credentials)
        #expect(seen["cdn-ME2"] == nil)
        // Read again from the stored bytes alone (as `quarantine retry` would): the same attachment.
        let again = try TwilioDecoder().decode(RawSubmission(channel: .sms, source: "x", receivedAt: Date(), bytes: raw))
        guard case .feedback(let draft) = again else { Issue.record("not feedback"); return }
        #expect(draft.attachments.first?.data == MediaHost.picture)
        await harness.stop()
        await host.stop()
    }
}

extension TwilioTests {
    static func settings(_ values: [String: String]) -> ChannelSettings {
        ChannelSettings(
            readers: .init(
                string: { key, _ in values[key] }, int: { values[$0].flatMap { Int($0) } }, double: { values[$0].flatMap { Double($0) } },
                bool: { values[$0].map { $0 == "true" } }, list: { values[$0]?.split(separator: ",").map(String.init) ?? [] }
            ),
            adapterNames: ["sms", "twilio"], serving: true
        )
    }

    @Test("fetchMedia's settings: credentials go to api.twilio.com unless mediaHosts says otherwise; a timeout Twilio would not wait for is refused")
    func fetchMediaSettings() throws {
        let base = ["sms.gateways": "twilio", "sms.twilio.authToken": Self.token, "sms.twilio.publicURL": Self.publicURL]
        let off = try #require(TwilioAdapter.adapters(Self.settings(base)).first as? TwilioAdapter)
        #expect(off.gateways.first?.media == nil)
        let on = try #require(TwilioAdapter.adapters(Self.settings(base.merging(["sms.twilio.fetchMedia": "true"]) { $1 })).first as? TwilioAdapter)
        #expect(on.gateways.first?.media?.hosts == ["api.twilio.com"])
        #expect(on.gateways.first?.media?.maxBytes == 5 << 20)
        #expect(throws: ChannelConfigurationError.self) {
            try TwilioAdapter.adapters(Self.settings(base.merging(["sms.twilio.fetchMedia": "true", "sms.twilio.mediaTimeoutSeconds": "30"]) { $1 }))
        }
    }
}
