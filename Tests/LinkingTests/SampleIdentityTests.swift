import Foundation
import GRDB
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxSMS
import LetterboxStore
import LetterboxTesting
import LetterboxWebForm
import Testing

/// Everything in Samples/ in one store, as the quick start makes it: each sample person must stay
/// their own contact (Ofcom's drama range 07700 900000 to 900999 has a number for each).
@Suite("The samples are distinct people")
struct SampleIdentityTests {
    static func submissions() throws -> [RawSubmission] {
        var out: [RawSubmission] = []
        let files = FileManager.default
        let now = Date()
        for folder in ["phone-notes", "email"] {
            let root = Fixtures.samples(folder)
            for name in try files.contentsOfDirectory(atPath: root.path).sorted() where !name.hasPrefix(".") && name != "README.md" {
                let url = root.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                guard files.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let bytes = try Data(contentsOf: url)
                out.append(folder == "email"
                    ? EmailSubmission.make(bytes, source: name, receivedAt: now)
                    : RawSubmission(channel: .phone, source: name, receivedAt: now, bytes: bytes))
            }
        }
        let sms = Fixtures.samples("sms")
        for name in try files.contentsOfDirectory(atPath: sms.path).sorted() where name.hasSuffix(".xml") {
            let gateway = name.hasPrefix("kannel") ? "kannel" : name.hasPrefix("esendex") ? "esendex" : "clickatell"
            guard gateway != "clickatell" else { continue }
            out.append(RawSubmission(
                channel: .sms, source: "sms/\(gateway)", receivedAt: now, bytes: try Data(contentsOf: sms.appendingPathComponent(name)),
                transportKey: "\(gateway):\(name)", metadata: [SMSDecoder.gatewayKey: gateway]
            ))
        }
        let form = Fixtures.samples("webform")
        for (name, type) in [
            ("feedback.urlencoded", "application/x-www-form-urlencoded"),
            ("feedback-multipart.txt", "multipart/form-data; boundary=LetterboxSampleBoundary"),
            ("feedback.json", "application/json"),
        ] {
            out.append(RawSubmission(
                channel: .webForm, source: "web form", receivedAt: now, bytes: try Data(contentsOf: form.appendingPathComponent(name)),
                metadata: [WebFormDecoder.contentTypeKey: type]
            ))
        }
        return out
    }

    @Test("No contact made from the samples holds two tenancy references or was merged from two people", arguments: Backend.allCases)
    func distinctPeople(_ backend: Backend) throws {
        let store = try Channels.store("samples", backend)
        let intake = Intake(backend: store, decoders: [
            PhoneNoteDecoder(), EmailDecoder(), SMSDecoder(gateways: ["kannel": .kannel, "esendex": .esendex]), WebFormDecoder(),
        ])
        let outcomes = try intake.ingest(try Self.submissions())
        #expect(outcomes.filter { $0.disposition == .accepted }.count >= 20)
        let shared = try store.reading { db in
            try db.values("""
                SELECT MIN(i.value) || ' ' || MAX(i.value) FROM contact_identifiers i JOIN contacts c ON c.id = i.contact_id
                WHERE i.kind = 'tenancy' GROUP BY COALESCE(c.merged_into, c.id) HAVING COUNT(*) > 1
                """, as: String.self)
        }
        #expect(shared.isEmpty, "contacts with several tenancy references: \(shared)")
        let merges = try store.reading { db in try db.value("SELECT COUNT(*) FROM audit_log WHERE action = 'contact_merged'", as: Int.self) ?? 0 }
        #expect(merges == 0)
    }
}
