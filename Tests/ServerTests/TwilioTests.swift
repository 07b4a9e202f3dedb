import Foundation
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
        try await ServerHarness.start { $0.twilio = [.init(name: "twilio", publicURL: publicURL, authTokens: [token])] }
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
