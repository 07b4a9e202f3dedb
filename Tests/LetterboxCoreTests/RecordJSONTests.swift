import Foundation
import LetterboxCore
import Testing

/// `FeedbackRecord.documentJSON()` writes what the store keeps and exports; it must be byte for
/// byte what `Timestamp.jsonEncoder()` writes for the same record, whatever is in it.
struct RecordJSONTests {
    /// Text that JSON must escape, and text it must not: quotes, backslashes, every control
    /// character, DEL, slashes, accents, line and paragraph separators, emoji, a BOM.
    static let awkward: [String] = [
        "", "plain", "He said \"no\" \\ again", "a/b/c", "tab\there", "line\nbreak\r\n", "\u{0}\u{1}\u{7}\u{8}\u{b}\u{c}\u{1f}",
        "DEL \u{7f}", "café Zoë", "\u{2028}\u{2029}", "🙂 done", "\u{feff}bom", "£40 — “quoted” ‘single’", "日本語", "e\u{301}",
    ]
    static let numbers: [Double] = [0, 1, 0.5, 0.85, 1.0 / 3.0, 0.1 + 0.2, 1e-7, 1.5e-5, 0.9999999999999999, 123456789.125, 1e16, 1e21, -0.0, 2.5e-300]

    static func dates(_ generator: inout some RandomNumberGenerator) -> Date {
        // Whole seconds and milliseconds both, across years.
        let seconds = Double(Int64.random(in: 946_684_800...2_000_000_000, using: &generator))
        return Date(timeIntervalSince1970: Bool.random(using: &generator) ? seconds : seconds + Double(Int.random(in: 1...999, using: &generator)) / 1000)
    }

    static func randomRecord(_ generator: inout some RandomNumberGenerator) -> FeedbackRecord {
        func text() -> String { awkward.randomElement(using: &generator)! + (Bool.random(using: &generator) ? "" : " " + awkward.randomElement(using: &generator)!) }
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &generator) ? value() : nil }
        func phone() -> PhoneNumber { PhoneNumber(e164: maybe("+447700900123"), raw: text()) }
        func contact() -> ContactDetails {
            var details = ContactDetails()
            details.name = maybe(text())
            details.email = maybe(text())
            details.phone = maybe(phone())
            details.address = maybe(text())
            details.postcode = maybe(text())
            details.tenancyRef = maybe(text())
            return details
        }
        func flags() -> [FlagEntry] {
            (0..<Int.random(in: 0...3, using: &generator)).map { _ in FlagEntry(Flag(rawValue: ["vulnerability", "urgent_safety", "a/b"].randomElement(using: &generator)!), reason: text()) }
        }
        var draft = FeedbackDraft(
            channel: [.email, .sms, .webForm, .phone].randomElement(using: &generator)!, contactedAt: maybe(dates(&generator)), contactedAtText: maybe(text()),
            contact: contact(), subject: maybe(text()), body: text(), statedKind: maybe(text()), recordedBy: maybe(text()),
            extraFields: (0..<Int.random(in: 0...2, using: &generator)).map { _ in ExtraField(name: text(), value: text()) }, flags: flags(),
            forwardedBy: maybe(contact())
        )
        if Bool.random(using: &generator) {
            draft.representative = Representative(name: maybe(text()), role: Representative.Role(rawValue: text()), relationship: maybe(text()),
                                                  consentStated: Bool.random(using: &generator), email: maybe(text()), phone: maybe(phone()))
        }
        draft.awareAt = maybe(dates(&generator))
        var record = FeedbackRecord(
            id: Int64.random(in: 1...Int64.max, using: &generator), reference: text(), draft: draft, source: text(), receivedAt: dates(&generator),
            contactId: maybe(Int64.random(in: 1...1_000_000, using: &generator)),
            attachments: (0..<Int.random(in: 0...2, using: &generator)).map { _ in Attachment(name: text(), mediaType: text(), size: Int.random(in: 0...50_000_000, using: &generator), sha256: text()) },
            idempotencyKey: text(), rawSubmissionId: Int64.random(in: 1...1_000_000, using: &generator)
        )
        record.kind = maybe(FeedbackRecord.Kind(rawValue: text()))
        record.kindReason = maybe(text())
        record.category = maybe(text())
        record.categoryReason = maybe(text())
        record.serviceArea = maybe(text())
        record.acknowledgeBy = maybe(dates(&generator))
        record.respondBy = maybe(dates(&generator))
        if Bool.random(using: &generator) {
            record.dueDates = DueDates(acknowledgeBy: maybe(dates(&generator)), respondBy: maybe(dates(&generator)),
                                       hazardClocks: (0..<Int.random(in: 0...2, using: &generator)).map { _ in HazardClock(kind: .emergency, dueBy: dates(&generator), reason: text()) },
                                       basis: maybe(text()))
        }
        if Bool.random(using: &generator) {
            record.triage = TriageReading(kind: .complaint, kindReason: text(), category: maybe(text()), categoryReason: maybe(text()),
                                          serviceArea: text(), serviceAreaReason: text(), stage: Int.random(in: 1...2, using: &generator), flags: flags(),
                                          hazard: maybe(.significant), confidence: maybe(numbers.randomElement(using: &generator)!),
                                          runnerUp: maybe(.comment), runnerUpConfidence: maybe(Double.random(in: 0...1, using: &generator)))
        }
        if Bool.random(using: &generator) {
            record.triageCorrection = TriageCorrection(by: text(), at: dates(&generator), reason: text(), previousKind: maybe(text()),
                                                       previousCategory: maybe(text()), previousServiceArea: maybe(text()))
        }
        record.followUpOf = maybe(text())
        record.caseReference = maybe(text())
        if Bool.random(using: &generator) {
            record.links = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                RecordLink(kind: .duplicateOf, reference: text(), similarity: maybe(numbers.randomElement(using: &generator)!), reason: text())
            }
        }
        return record
    }

    @Test func theRecordsJSONIsWhatJSONEncoderWrites() throws {
        let encoder = Timestamp.jsonEncoder()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let record = Self.randomRecord(&generator)
            let expected = String(decoding: try encoder.encode(record), as: UTF8.self)
            let written = try record.documentJSON()
            #expect(written == expected)
            if written != expected { break }
        }
    }

    @Test func aNumberJSONCannotHoldIsRefusedAsJSONEncoderRefusesIt() {
        var generator = SystemRandomNumberGenerator()
        var record = Self.randomRecord(&generator)
        record.links = [RecordLink(kind: .duplicateOf, reference: "LB-1", similarity: .nan, reason: "x")]
        #expect(throws: (any Error).self) { try record.documentJSON() }
    }

    /// Submission metadata as the store keeps it: JSON that reads back as the same map, keys in
    /// byte order.
    @Test func metadataIsJSONThatReadsBackAsTheSameMap() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            var map: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                map[Self.awkward.randomElement(using: &generator)! + String(Int.random(in: 0...9, using: &generator))] = Self.awkward.randomElement(using: &generator)!
            }
            let text = CompactJSON.object(map)
            let read = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            #expect(read == map, "\(text)")
        }
        #expect(CompactJSON.object([:]) == "{}")
        #expect(CompactJSON.object(["b": "2", "a/b": "x\"y", "A": "é"]) == #"{"A":"é","a/b":"x\"y","b":"2"}"#)
    }
}

struct MediaTypeTests {
    @Test func aContentTypesMediaTypeIsItsFirstPartTrimmedAndLowerCased() {
        #expect(ChannelRequest.mediaType("Text/XML; charset=UTF-8") == "text/xml")
        #expect(ChannelRequest.mediaType("  application/json  ") == "application/json")
        #expect(ChannelRequest.mediaType("\tmultipart/form-data ; boundary=x") == "multipart/form-data")
        #expect(ChannelRequest.mediaType(";text/plain") == "text/plain")
        #expect(ChannelRequest.mediaType("") == "")
    }
}
