import Foundation
import LetterboxCore
import LetterboxSMS
import LetterboxTesting
import Testing

@Suite("SMS gateway profiles, on the captured and published payloads", .enabled(if: Fixtures.sharedCorpora != nil, "../shared/corpora is not on this machine"))
struct SMSProfileTests {
    let decoder = SMSDecoder(gateways: [
        "kannel": .kannel,
        "esendex": .esendex,
        "clickatell": .generic(
            GenericSMSProfile(
                messageID: "/clickmo/moMsgId",
                from: "/clickmo/from",
                to: "/clickmo/to",
                text: "/clickmo/text",
                time: "/clickmo/timestamp",
                inboundWhen: "/clickmo"
            )
        ),
    ])

    func corpus(_ name: String) throws -> Data {
        let root = try #require(Fixtures.sharedCorpora, "../shared/corpora is missing")
        return try Data(contentsOf: root.appendingPathComponent("sms").appendingPathComponent(name))
    }

    func decode(_ name: String, gateway: String, query: [String: String] = [:]) throws -> Decoded {
        var metadata = [SMSDecoder.gatewayKey: gateway]
        for (key, value) in query { metadata[SMSDecoder.queryPrefix + key] = value }
        let submission = RawSubmission(channel: .sms, source: "sms/\(gateway)", receivedAt: Date(), bytes: try corpus(name), metadata: metadata)
        return try decoder.decode(submission)
    }

    func feedback(_ decoded: Decoded) throws -> FeedbackDraft {
        guard case .feedback(let draft) = decoded else {
            Issue.record("expected feedback, got \(decoded)")
            throw CancellationError()
        }
        return draft
    }

    @Test("Kannel 7-bit text: URL-decoded after XML unescaping, sender in E.164, time in UTC")
    func kannelPlain() throws {
        let draft = try feedback(decode("kannel-mo.xml", gateway: "kannel", query: ["kid": "6da8964e"]))
        #expect(draft.body == "Hi, the boiler at 12 Elm Close is broken & it's cold <urgent> 5 stars")
        #expect(draft.contact.phone == PhoneNumber(e164: "+447700900123", raw: "447700900123"))
        #expect(draft.contactedAt.map(Timestamp.string) == "2026-11-22T09:15:51Z")
        #expect(draft.extraFields.contains(ExtraField(name: "Gateway message id", value: "6da8964e")))
        #expect(draft.extraFields.contains(ExtraField(name: "Sent to", value: "447700900456")))
    }

    @Test("Kannel: £, é and € arrive as percent-encoded UTF-8")
    func kannelExtended() throws {
        let draft = try feedback(decode("kannel-mo-gsm-extended.xml", gateway: "kannel"))
        #expect(draft.body.contains("£"))
        #expect(draft.body.contains("€"))
        #expect(draft.contact.phone?.e164 == "+447700900123")
    }

    @Test("Kannel UCS-2 (coding 2) is UTF-16BE, Welsh letters and a surrogate pair kept; mo-recode gives the same text")
    func kannelUCS2() throws {
        let ucs2 = try feedback(decode("kannel-mo-ucs2.xml", gateway: "kannel"))
        #expect(ucs2.body == "Diolch yn fawr ŵ 😀")
        let recoded = try feedback(decode("kannel-mo-ucs2-mo-recode-utf8.xml", gateway: "kannel"))
        #expect(recoded.body == ucs2.body)
    }

    @Test("Kannel 8-bit data is not UTF-8: read as Windows-1252 and flagged")
    func kannel8bit() throws {
        let draft = try feedback(decode("kannel-mo-8bit.xml", gateway: "kannel"))
        #expect(draft.flags.contains { $0.flag == .encodingGuessed })
    }

    @Test("Kannel parts of a long text are held (sms_part), and joined parts read as one text")
    func kannelParts() throws {
        let first = try decode("kannel-mo-concat-part1-unreassembled.xml", gateway: "kannel")
        guard case .held(let part) = first else {
            Issue.record("a part should wait for the others, got \(first)")
            return
        }
        #expect(part.verdict == "sms_part")
        #expect(part.reason.contains("Part 1 of 2"))
        #expect(part.number == 1 && part.total == 2)
        // The group names the gateway, the sender and the concatenation reference.
        #expect(part.group.hasPrefix("kannel|") && part.group.hasSuffix("|171|2"))
        let reading = try SMSProfile.kannel.read(Array(corpus("kannel-mo-concat-part2-unreassembled.xml")))
        guard case .inbound(let inbound) = reading.content else { throw CancellationError() }
        #expect(inbound.part == InboundText.Part(reference: 0xAB, total: 2, number: 2))

        let envelope = SMSDecoder.JoinedParts(
            gateway: "kannel",
            total: 2,
            parts: [
                .init(number: 2, rawSubmissionId: 2, query: [:], body: try corpus("kannel-mo-concat-part2-unreassembled.xml")),
                .init(number: 1, rawSubmissionId: 1, query: ["kid": "a"], body: try corpus("kannel-mo-concat-part1-unreassembled.xml")),
            ]
        )
        let joined = RawSubmission(
            channel: .sms, source: "sms/kannel", receivedAt: Date(), bytes: envelope.encoded(),
            metadata: [SMSDecoder.gatewayKey: "kannel", SMSDecoder.joinedKey: "true"]
        )
        let draft = try feedback(decoder.decode(joined))
        // Parts are split at a character boundary, not a word: they are joined with nothing between.
        #expect(draft.body == "Part one of a long complaint about damp and mould in the bathroom,part two: please send someone this week.")
        #expect(draft.body.hasPrefix("Part one of a long complaint"))
        #expect(!draft.flags.contains { $0.flag == SMSDecoder.incompleteText })
    }

    @Test("A long text with a part missing is still recorded, the gap marked and flagged")
    func missingPart() throws {
        let envelope = SMSDecoder.JoinedParts(
            gateway: "kannel", total: 2,
            parts: [.init(number: 1, rawSubmissionId: 1, query: [:], body: try corpus("kannel-mo-concat-part1-unreassembled.xml"))]
        )
        let joined = RawSubmission(
            channel: .sms, source: "sms/kannel", receivedAt: Date(), bytes: envelope.encoded(),
            metadata: [SMSDecoder.gatewayKey: "kannel", SMSDecoder.joinedKey: "true"]
        )
        let draft = try feedback(decoder.decode(joined))
        #expect(draft.body.contains("[part 2 of 2 did not arrive]"))
        #expect(draft.flags.contains { $0.flag == SMSDecoder.incompleteText })
    }

    @Test("Esendex InboundMessage: text, sender and MessageId")
    func esendexInbound() throws {
        let reading = try SMSProfile.esendex.read(Array(corpus("esendex-inbound.xml")))
        #expect(reading.messageID == "ee931a29-d176-42bb-b2a1-a66871e8c118")
        let draft = try feedback(decode("esendex-inbound.xml", gateway: "esendex"))
        #expect(draft.body == "some text")
        #expect(draft.contact.phone?.raw == "123123123")
    }

    @Test("Esendex with a namespace reads the same")
    func esendexNamespace() throws {
        let xml = #"<?xml version="1.0"?><InboundMessage xmlns="http://api.esendex.com/ns/"><Id>n1</Id><MessageId>m1</MessageId><MessageText>Lift broken again</MessageText><From>447700900123</From><To>447700900456</To></InboundMessage>"#
        let reading = try SMSProfile.esendex.read(Array(xml.utf8))
        #expect(reading.messageID == "m1")
        guard case .inbound(let inbound) = reading.content else { throw CancellationError() }
        #expect(inbound.text == "Lift broken again")
        #expect(inbound.from == "447700900123")
    }

    @Test("Esendex delivery reports, failures and opt-outs are ignored with a reason, not feedback", arguments: [
        ("esendex-delivered.xml", "delivery_report"),
        ("esendex-failed.xml", "delivery_failed"),
        ("esendex-optout.xml", "opt_out"),
    ])
    func esendexEvents(file: String, verdict: String) throws {
        let decoded = try decode(file, gateway: "esendex")
        guard case .ignored(let got, let reason) = decoded else {
            Issue.record("expected ignored, got \(decoded)")
            return
        }
        #expect(got == verdict)
        #expect(!reason.isEmpty)
        if verdict == "opt_out" { #expect(reason.contains("+447728693111")) }
    }

    @Test("A generic profile from the config reads Clickatell's legacy clickmo")
    func generic() throws {
        let draft = try feedback(decode("clickatell-mo.xml", gateway: "clickatell"))
        #expect(draft.body == "I")
        #expect(draft.contact.phone?.e164 == "+38641357777")
        #expect(draft.contactedAtText == "2010-06-21 11:36:26")
        #expect(draft.extraFields.contains(ExtraField(name: "Gateway message id", value: "2363036fd9e75cf0289015dd18cbe700")))
    }

    @Test("A generic profile's inboundWhen sorts other notifications out as gateway events")
    func genericEvent() throws {
        let decoded = try decode("tms3-delivery-report.xml", gateway: "clickatell")
        guard case .ignored(let verdict, _) = decoded else {
            Issue.record("expected ignored, got \(decoded)")
            return
        }
        #expect(verdict == "gateway_event")
    }

    @Test("Bad bodies are errors with a reason: malformed XML, XXE, an entity bomb, the wrong gateway's XML, an unknown gateway")
    func badInput() throws {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><message><submit><ud>&x;</ud></submit></message>"#
        let bomb = #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><message><submit><ud>&c;</ud></submit></message>"#
        for body in ["<message><submit><ud>", xxe, bomb, "not xml at all"] {
            #expect(throws: IntakeError.self) { try SMSProfile.kannel.read(Array(body.utf8)) }
        }
        #expect(throws: IntakeError.self) { try SMSProfile.esendex.read(Array(try corpus("kannel-mo.xml"))) }
        #expect(throws: IntakeError.self) { try SMSProfile.kannel.read(Array(try corpus("esendex-inbound.xml"))) }
        #expect(throws: IntakeError.self) { try decode("kannel-mo.xml", gateway: "nosuch") }
    }

    @Test("A texted keyword is the customer's own choice of kind")
    func keyword() throws {
        let xml = "<InboundMessage><MessageId>k1</MessageId><MessageText>COMPLAINT: nobody came to fix the lift</MessageText><From>07700900123</From></InboundMessage>"
        let submission = RawSubmission(channel: .sms, source: "sms/esendex", receivedAt: Date(), bytes: Data(xml.utf8), metadata: [SMSDecoder.gatewayKey: "esendex"])
        let draft = try feedback(decoder.decode(submission))
        #expect(draft.statedKind == "complaint")
        #expect(draft.contact.phone?.e164 == "+447700900123")
    }
}

@Suite("SMS gateway profiles, on the project's own samples")
struct SMSSampleTests {
    let decoder = SMSDecoder(gateways: ["kannel": .kannel, "esendex": .esendex])

    func decode(_ name: String, gateway: String) throws -> Decoded {
        let bytes = try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent(name))
        return try decoder.decode(RawSubmission(channel: .sms, source: "sms", receivedAt: Date(), bytes: bytes, metadata: [SMSDecoder.gatewayKey: gateway]))
    }

    @Test("Kannel UCS-2 Welsh and a keyword; Esendex inbound, delivery report and opt-out")
    func samples() throws {
        guard case .feedback(let welsh) = try decode("kannel-welsh-ucs2.xml", gateway: "kannel") else { throw CancellationError() }
        #expect(welsh.body == "Mae'r lifft wedi torri eto yn Nhŷ Derw. Diolch.")
        guard case .feedback(let boiler) = try decode("kannel-boiler.xml", gateway: "kannel") else { throw CancellationError() }
        #expect(boiler.statedKind == "complaint")
        #expect(boiler.body.contains("& nobody has come"))
        guard case .held(let part) = try decode("kannel-long-part1.xml", gateway: "kannel") else { throw CancellationError() }
        #expect(part.verdict == "sms_part")
        guard case .feedback = try decode("esendex-inbound.xml", gateway: "esendex") else { throw CancellationError() }
        guard case .ignored(let delivered, _) = try decode("esendex-delivered.xml", gateway: "esendex") else { throw CancellationError() }
        #expect(delivered == "delivery_report")
        guard case .ignored(let optOut, let reason) = try decode("esendex-optout.xml", gateway: "esendex") else { throw CancellationError() }
        #expect(optOut == "opt_out")
        #expect(reason.contains("+447700900888"))
    }
}
