import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxSMS
import LetterboxStore
import LetterboxTesting
import LetterboxWebForm

/// Submissions as each channel's transport stores them, built from plain values, so scenarios
/// run through the real decoders and the real store.
enum Channels {
    static let base = Date(timeIntervalSince1970: 1_772_442_000)  // Monday 2 March 2026, 09:00 UTC

    static func at(days: Double = 0, hours: Double = 0) -> Date {
        base.addingTimeInterval(days * 86_400 + hours * 3_600)
    }

    static func email(from: String, name: String, subject: String, body: String, at date: Date, id: String = UUID().uuidString) -> RawSubmission {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss '+0000'"
        let message = """
            From: \(name) <\(from)>\r
            To: complaints@housing.example\r
            Subject: \(subject)\r
            Date: \(formatter.string(from: date))\r
            Message-ID: <\(id)@mail.example>\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(body.replacingOccurrences(of: "\n", with: "\r\n"))\r

            """
        return RawSubmission(channel: .email, source: "test mailbox", receivedAt: date.addingTimeInterval(30), bytes: Data(message.utf8), senderAssignedID: "<\(id)@mail.example>")
    }

    static func sms(from: String, text: String, at date: Date) -> RawSubmission {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <message cid="1"><submit><oa><number>\(from)</number></oa><da><number>447700900456</number></da>
            <ud>\(encoded)</ud><dcs><coding>0</coding></dcs>
            <at><year>\(parts.year!)</year><month>\(parts.month!)</month><day>\(parts.day!)</day><hour>\(parts.hour!)</hour><minute>\(parts.minute!)</minute><second>0</second><timezone>0</timezone></at>
            </submit></message>
            """
        return RawSubmission(channel: .sms, source: "kannel", receivedAt: date.addingTimeInterval(5), bytes: Data(xml.utf8), metadata: [SMSDecoder.gatewayKey: "kannel"])
    }

    static func form(_ fields: [(String, String)], at date: Date) -> RawSubmission {
        let body = fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }.joined(separator: "&")
        return RawSubmission(channel: .webForm, source: "web form", receivedAt: date, bytes: Data(body.utf8), metadata: [WebFormDecoder.contentTypeKey: "application/x-www-form-urlencoded"])
    }

    static func note(_ fields: [(String, String)], text: String, at date: Date) -> RawSubmission {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        var lines = fields.map { "\($0): \($1)" }
        lines.append("Call date: \(formatter.string(from: date))")
        let note = lines.joined(separator: "\n") + "\n\n" + text + "\n"
        return RawSubmission(channel: .phone, source: "phone-notes/\(UUID().uuidString).txt", receivedAt: date.addingTimeInterval(600), bytes: Data(note.utf8))
    }

    static func intake(_ store: any IntakeStore) -> Intake {
        Intake(backend: store, decoders: [
            PhoneNoteDecoder(), EmailDecoder(), SMSDecoder(gateways: ["kannel": .kannel]), WebFormDecoder(),
        ])
    }

    /// A new store on either backend (the suites that use it run on both).
    static func store(_ label: String, _ backend: Backend, policy: LinkingPolicy = LinkingPolicy()) throws -> any CaseStore {
        try TestStores.make(backend, label, options: .init(linking: policy))
    }

    /// A new SQLite store, for what only SQLite has (its migrations, its file).
    static func sqliteStore(_ label: String) throws -> SQLiteCaseStore {
        let folder = try Fixtures.temporaryFolder(label)
        return try SQLiteCaseStore(path: folder.appendingPathComponent("letterbox.sqlite").path)
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The record an accepted outcome made.
    static func record(_ store: any CaseStore, _ outcome: IntakeOutcome) throws -> FeedbackRecord {
        guard let reference = outcome.reference, let record = try store.record(reference: reference) else {
            throw Missing(description: "no record for \(outcome)")
        }
        return record
    }
}
