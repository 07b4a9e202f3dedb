import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxStore
import LetterboxTesting
import Testing

/// The samples in Samples/email through the decoder and the store, in order.
struct EmailSampleTests {
    func sample(_ name: String) throws -> FeedbackDraft {
        let data = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent(name))
        guard case .feedback(let draft) = try decode(data) else { throw IntakeError(.malformed, "\(name) was not feedback") }
        return draft
    }

    @Test func forwardedAsAttachmentIsTheTenantsComplaint() throws {
        let d = try sample("02-forwarded-complaint.eml")
        #expect(d.contact.email == "pat.obrien@example.com")
        #expect(d.contact.name == "O'Brien, Patrick")
        #expect(d.forwardedBy?.email == "sarah.whitfield@example-housing.org.uk")
        #expect(d.subject == "Broken lift at Mill House")
        #expect(d.body.hasPrefix("The lift at Mill House has been broken for nine days."))
        #expect(d.body.contains("not acceptable – I want"))
        #expect(d.extraFields.contains { $0.name == "Forwarding note" && $0.value.contains("log it as a complaint") })
        #expect(d.thread?.messageIDs.contains("<CAF=tenant.lift.1@mail.gmail.com>") == true)
    }

    @Test func htmlOnlyWebmailBecomesReadableText() throws {
        let d = try sample("03-html-only-webmail.eml")
        #expect(d.body.contains("- cleared the rubbish from the bin store\n- fixed the door entry system"))
        #expect(d.body.contains("on my album <https://photos.example.org/elm>"))
        #expect(d.body.contains("Café Row"))
        #expect(!d.body.contains("trackOpen"))
        #expect(!d.body.contains("Yahoo Mail"))
    }

    @Test func outlookWindows1252WithAnEncodedAttachmentName() throws {
        let d = try sample("04-outlook-windows-1252.eml")
        #expect(d.contact.name == "Gráinne Ní Bhriain")
        #expect(d.subject == "Service charge – £240 increase")
        #expect(d.body.contains("I’m writing about the “service charge” on my bill: it went up by £240"))
        #expect(d.attachments.map(\.name) == ["Service charge letter – 2026.pdf"])
        #expect(d.attachments.first?.data.starts(with: Data("%PDF".utf8)) == true)
        #expect(!d.flags.contains { $0.flag == .encodingGuessed })
    }

    @Test func iso2022JP() throws {
        let d = try sample("05-iso-2022-jp.eml")
        #expect(d.contact.name == "田中 花子")
        #expect(d.subject == "階段の電気")
        #expect(d.body.hasPrefix("先週から階段の電気がつきません。"))
    }

    @Test func plainComplaintGivesContactDetailsFromTheSignature() throws {
        let d = try sample("01-complaint-plain.eml")
        #expect(d.contact.email == "maria.kowalska@example.net")
        #expect(d.contact.phone?.e164 == "+447700900314")
        #expect(d.contact.tenancyRef == "T0048213")
        #expect(d.contactedAt.map(Timestamp.string) == "2026-04-03T09:15:00Z")
    }

    @Test func councillorIsARepresentative() throws {
        let d = try sample("09-councillor.eml")
        #expect(d.representative?.role == .councillor)
        #expect(d.representative?.email == "sian.jones@example-council.gov.uk")
        #expect(d.flags.contains { $0.flag == .consentRequired })
    }

    @Test func theWholeSetThroughTheStoreThreadsOnlyTheRightPerson() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("s.sqlite").path)
        let intake = Intake(store: store, decoders: [EmailDecoder()])
        var outcomes: [String: IntakeOutcome] = [:]
        for file in Fixtures.sampleFiles("email") {
            let submission = EmailSubmission.make(try Data(contentsOf: file), source: file.lastPathComponent, receivedAt: Date(timeIntervalSince1970: 1_776_675_600))
            outcomes[file.lastPathComponent] = try intake.ingest([submission])[0]
        }
        #expect(outcomes["01-complaint-plain.eml"]?.reference == "LB-2026-000001")
        #expect(outcomes["06-out-of-office.eml"]?.disposition == .ignored)
        #expect(outcomes["06-out-of-office.eml"]?.errorCode == "out_of_office")
        #expect(outcomes["07-bounce.eml"]?.errorCode == "bounce_permanent")
        // The tenant's reply joins her case.
        #expect(outcomes["08-tenant-reply.eml"]?.followUpOf == "LB-2026-000001")
        let replyReference = try #require(outcomes["08-tenant-reply.eml"]?.reference)
        let reply = try #require(try store.record(reference: replyReference))
        #expect(reply.followUpOf == "LB-2026-000001")
        #expect(reply.body.hasPrefix("Thank you for the acknowledgement. The surveyor has still not been in touch, and the mould"))
        #expect(!reply.body.contains("We will respond"))
        // A neighbour quoting her reference does not.
        let neighbourReference = try #require(outcomes["10-someone-else-mentions-a-case.eml"]?.reference)
        let neighbour = try #require(try store.record(reference: neighbourReference))
        #expect(neighbour.followUpOf == nil)
        #expect(neighbour.flags.contains { $0.flag == .possibleFollowUp && $0.reason.contains("LB-2026-000001") })
        // Delivered again: a redelivery, nothing new.
        let again = EmailSubmission.make(
            try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("01-complaint-plain.eml")), source: "again", receivedAt: Date())
        let redelivery = try intake.ingest([again])[0]
        #expect(redelivery.disposition == .redelivery)
        #expect(redelivery.reference == "LB-2026-000001")
    }

    @Test("A reply from a case's representative, not its contact, joins the case: the sender's address is found in the case's document, on either store", arguments: Backend.allCases)
    func representativesReplyJoinsTheCase(_ backend: Backend) async throws {
        let store = try await Fixtures.offPool { try TestStores.make(backend, "representative-reply") }
        let intake = Intake(backend: store, decoders: [EmailDecoder()])
        let letter = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("09-councillor.eml"))
        let (reference, followUpOf) = try await Fixtures.offPool { () throws -> (String?, String?) in
            let first = try intake.ingest([EmailSubmission.make(letter, source: "09", receivedAt: Date())])[0]
            let reference = first.reference ?? "none"
            let reply = """
                From: Sian Jones <Sian.Jones@example-council.gov.uk>
                To: complaints@example-housing.org.uk
                Subject: Re: \(reference)
                Message-ID: <reply-1@example-council.gov.uk>

                Is there any news on \(reference)? My constituent tells me nothing has changed.

                """
            let outcome = try intake.ingest([EmailSubmission.make(Data(reply.utf8), source: "reply", receivedAt: Date())])[0]
            return (first.reference, outcome.followUpOf)
        }
        #expect(reference != nil)
        #expect(followUpOf == reference)
    }

    @Test func aReusedMessageIDWithDifferentContentIsKeptAndFlagged() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("s.sqlite").path)
        let intake = Intake(store: store, decoders: [EmailDecoder()])
        let first = EmailSubmission.make(Data("Message-ID: <same@x>\nFrom: a@example.com\n\nfirst\n".utf8), source: "t", receivedAt: Date())
        let second = EmailSubmission.make(Data("Message-ID: <same@x>\nFrom: a@example.com\n\nsecond, different\n".utf8), source: "t", receivedAt: Date())
        let outcomes = try intake.ingest([first, second])
        #expect(outcomes.map(\.disposition) == [.accepted, .accepted])
        let reference = try #require(outcomes[1].reference)
        let record = try #require(try store.record(reference: reference))
        #expect(record.body == "second, different")
        #expect(record.flags.contains { $0.flag == .messageIDReused })
    }
}

/// Public test mail from other projects (../shared/corpora/real): every message goes through
/// the decoder without a crash or a hang, and only the listed files are refused.
struct RealMailCorpusTests {
    /// Files that are genuinely not email, with the reason each is refused.
    static let refused: [String: String] = [
        "cpython/Lib/test/test_email/data/msg_19.txt": "a digest body with no header block",
        "enmime/testdata/mail/erroneous.raw": "a comment line, not a message",
        "mikel-mail/spec/fixtures/emails/.gitattributes": "a git attributes file",
        "mikel-mail/spec/fixtures/emails/sample_output_multipart": "an empty file",
    ]

    @Test func everyRealMessageDecodes() throws {
        guard let corpora = Fixtures.sharedCorpora else {
            print("RealMailCorpusTests: ../shared/corpora is not on this machine; skipped.")
            return
        }
        let root = corpora.appendingPathComponent("real")
        let files = Self.messageFiles(root)
        #expect(files.count > 400)
        var refusedNow: [String: String] = [:]
        var withText = 0
        for path in files.sorted() {
            let data = try Data(contentsOf: root.appendingPathComponent(path))
            do {
                switch try decode(data) {
                case .feedback(let draft):
                    if !draft.body.isEmpty { withText += 1 }
                case .ignored, .held:
                    break
                }
            } catch let error as IntakeError {
                refusedNow[path] = error.message
            }
        }
        #expect(Set(refusedNow.keys) == Set(Self.refused.keys), "refused: \(refusedNow)")
        #expect(withText > 350)
    }

    /// The corpus's message files (not its notes or mbox files), by path under `root`.
    static func messageFiles(_ root: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder), !isFolder.boolValue,
                !path.hasSuffix(".md"), !path.hasSuffix(".mbox")
            {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// Each attachment the decoder places in the raw message decodes from that range to its
    /// bytes; through the store, every attachment of every record reads back as decoded.
    @Test func attachmentsKeptAsRangesOfTheMessageReadBackExactly() throws {
        guard let corpora = Fixtures.sharedCorpora else { return }
        let root = corpora.appendingPathComponent("real")
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("s.sqlite").path)
        let intake = Intake(store: store, decoders: [EmailDecoder()])
        var ranges = 0
        var copies = 0
        var submissions: [RawSubmission] = []
        var drafts: [FeedbackDraft?] = []
        for path in Self.messageFiles(root) {
            let data = try Data(contentsOf: root.appendingPathComponent(path))
            let submission = EmailSubmission.make(data, source: path, receivedAt: Date(timeIntervalSince1970: 1_776_675_600))
            submissions.append(submission)
            guard case .feedback(let draft)? = try? EmailDecoder().decode(submission) else {
                drafts.append(nil)
                continue
            }
            drafts.append(draft)
            for file in draft.attachments {
                guard let range = file.rawRange else {
                    copies += 1
                    continue
                }
                ranges += 1
                let bytes = [UInt8](submission.bytes)
                #expect(range.offset >= 0 && range.offset + range.length <= bytes.count)
                #expect(range.decode(Data(bytes[range.offset..<range.offset + range.length])) == file.data, "\(path): \(file.name)")
            }
        }
        #expect(ranges > 100 && copies > 10, "\(ranges) kept as ranges, \(copies) as copies")
        var read = 0
        for (outcome, draft) in zip(try intake.ingest(submissions), drafts) {
            guard let reference = outcome.reference, let draft, outcome.disposition == .accepted,
                let record = try store.record(reference: reference)
            else { continue }
            #expect(record.attachments.count == draft.attachments.count)
            for (stored, file) in zip(record.attachments, draft.attachments) {
                #expect(try store.blob(sha256: stored.sha256) == file.data, "\(record.source): \(file.name)")
                read += 1
            }
        }
        #expect(read > 100)
    }

    @Test func theRealMboxSplitsIntoItsMessages() throws {
        guard let corpora = Fixtures.sharedCorpora else { return }
        let reader = try MboxReader(path: corpora.appendingPathComponent("real/cpython/Lib/test/test_email/data/mailbox_01.mbox").path)
        var count = 0
        while let message = try reader.next() {
            count += 1
            #expect(!message.bytes.isEmpty)
        }
        #expect(count > 0)
    }
}

/// The mbox splitter keeps a message's bytes exactly, apart from the From line and the blank
/// line that separates messages.
struct MboxSplitTests {
    @Test func separatorsGoAndEverythingElseStays() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("box.mbox").path
        let text = "From a@x Mon Apr  6 10:00:00 2026\nSubject: one\n\nfirst\n\n"
            + "From b@x Mon Apr  6 10:00:01 2026\r\nSubject: two\r\n\r\nsecond\r\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let reader = try MboxReader(path: path)
        var messages: [String] = []
        while let message = try reader.next() { messages.append(String(decoding: message.bytes, as: UTF8.self)) }
        #expect(messages == ["Subject: one\n\nfirst\n", "Subject: two\r\n\r\nsecond\r\n"])
    }
}

/// Replays the fuzzing seeds and every crasher found (Fuzz/run.sh mime|mbox).
struct EmailFuzzRegressionTests {
    static func inputs(_ target: String) -> [URL] {
        ["corpus", "crashers"].flatMap { kind -> [URL] in
            let folder = Fixtures.packageRoot.appendingPathComponent("Fuzz/\(kind)/\(target)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
        }
    }

    @Test(arguments: inputs("mime"))
    func mimeDecodesOrRefusesCleanly(file: URL) throws {
        do { _ = try decode(try Data(contentsOf: file)) } catch is IntakeError {}
    }

    @Test(arguments: inputs("mbox"))
    func mboxSplitsCleanly(file: URL) throws {
        let reader = try MboxReader(path: file.path)
        do { while try reader.next() != nil {} } catch is MboxReader.OpenError {}
    }
}
