import Foundation
import LetterboxCore
import LetterboxEmail
import Testing

/// Whose feedback is it when an email carries another email (message/rfc822)? The customer's own
/// words come first; an attached message is theirs only when it is passed on.
@Suite("An attached message is evidence unless it is passed on")
struct AttachedMessageTests {
    static func mail(from: String, to: String = "complaints@example-housing.org.uk", subject: String, text: String, attachedFrom: String, attachedSubject: String, attachedText: String) -> Data {
        Data("""
            Message-ID: <outer.\(abs(text.hashValue))@mail.example.com>
            Date: Tue, 10 Mar 2026 19:12:00 +0000
            From: \(from)
            To: \(to)
            Subject: \(subject)
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset="utf-8"

            \(text)

            --b1
            Content-Type: message/rfc822

            Message-ID: <inner.1@example-housing.org.uk>
            Date: Mon, 2 Mar 2026 09:30:00 +0000
            From: \(attachedFrom)
            To: \(from)
            Subject: \(attachedSubject)
            Content-Type: text/plain; charset="utf-8"

            \(attachedText)
            --b1--
            """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    static func decode(_ data: Data, domains: Set<String> = ["example-housing.org.uk"]) throws -> FeedbackDraft {
        let submission = EmailSubmission.make(data, source: "test", receivedAt: Date())
        guard case .feedback(let draft) = try EmailDecoder(organisationDomains: domains).decode(submission) else {
            throw IntakeError(.malformed, "not feedback")
        }
        return draft
    }

    static let complaint = "I want to make a formal complaint. Your repairs team promised a visit on 3 March (their email is attached) and nobody came. I took a day off work for nothing."
    static let promise = "Dear Ms Begum, an operative will attend on Tuesday 3 March between 8am and 12pm to repair the leak. Repairs Team"

    @Test("A tenant's complaint with the landlord's own email attached: the tenant is the contact, her words the feedback, the email her evidence")
    func landlordEmailAsEvidence() throws {
        let data = Self.mail(
            from: "Ruksana Begum <r.begum@mail.example.com>", subject: "Complaint - missed repair", text: Self.complaint,
            attachedFrom: "Repairs Team <repairs@example-housing.org.uk>", attachedSubject: "Your repair appointment", attachedText: Self.promise
        )
        for domains in [Set(["example-housing.org.uk"]), []] {
            let draft = try Self.decode(data, domains: domains)
            #expect(draft.contact.email == "r.begum@mail.example.com")
            #expect(draft.contact.name == "Ruksana Begum")
            #expect(draft.representative == nil)
            #expect(draft.forwardedBy == nil)
            #expect(!draft.flags.contains { $0.flag == .consentRequired })
            #expect(draft.body.hasPrefix("I want to make a formal complaint."))
            #expect(!draft.body.contains("an operative will attend"))
            #expect(draft.subject == "Complaint - missed repair")
            let evidence = try #require(draft.extraFields.first { $0.name == "Attached message" })
            #expect(evidence.value.contains("repairs@example-housing.org.uk"))
            #expect(evidence.value.contains("Your repair appointment"))
            #expect(evidence.value.contains("2 Mar 2026"))
            #expect(!draft.extraFields.contains { $0.name == "Forwarding note" })
        }
    }

    @Test("A contractor's email attached to a tenant's own complaint, with no words passing it on, is evidence too")
    func thirdPartyEmailAsEvidence() throws {
        let draft = try Self.decode(Self.mail(
            from: "Tom Reid <tom.reid@mail.example.com>", subject: "No show again", text: "Nobody came again. This is the third missed appointment. See the contractor's message.",
            attachedFrom: "Bookings <jobs@acme-contractors.example>", attachedSubject: "Appointment confirmed", attachedText: "Your appointment is confirmed for Friday."
        ))
        #expect(draft.contact.email == "tom.reid@mail.example.com")
        #expect(draft.representative == nil)
        #expect(draft.body.hasPrefix("Nobody came again."))
    }

    @Test("A son forwarding his mother's email says so: she is the contact, he her unconsented representative, her words the feedback")
    func passedOnByARelative() throws {
        let draft = try Self.decode(Self.mail(
            from: "Imran Shah <imran.shah@mail.example.com>", subject: "Fwd: heating", text: "I'm forwarding my mum's email as she can't get through on the phone.",
            attachedFrom: "Nasreen Shah <nasreen.shah@mail.example.com>", attachedSubject: "heating", attachedText: "My heating has not worked for a week and I am 82."
        ))
        #expect(draft.contact.email == "nasreen.shah@mail.example.com")
        #expect(draft.representative?.email == "imran.shah@mail.example.com")
        #expect(draft.flags.contains { $0.flag == .consentRequired })
        #expect(draft.body.hasPrefix("My heating has not worked"))
        #expect(draft.extraFields.contains { $0.name == "Forwarding note" && $0.value.contains("forwarding my mum") })
    }

    @Test("A forward with no words of the sender's own passes the attached message on")
    func bareForward() throws {
        let draft = try Self.decode(Self.mail(
            from: "Imran Shah <imran.shah@mail.example.com>", subject: "Fwd: heating", text: "",
            attachedFrom: "Nasreen Shah <nasreen.shah@mail.example.com>", attachedSubject: "heating", attachedText: "My heating has not worked for a week and I am 82."
        ))
        #expect(draft.contact.email == "nasreen.shah@mail.example.com")
    }
}
