import Foundation
import GRDB
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Testing

/// Sequences of submissions across channels, each with the links and flags expected at the end.
/// Every submission goes through the real decoders into a real SQLite store.
struct ScenarioTests {
    // MARK: The same leak on three channels

    static let leakForm: RawSubmission = Channels.form([
        ("kind", "complaint"), ("name", "Anna Kowalska"), ("email", "anna.k@mail.example"), ("phone", "07700 900111"),
        ("address", "Flat 3, Rose Court, Mill Lane"), ("postcode", "ls6 2ab"), ("tenancy_ref", "T-100311"),
        ("subject", "Leak through kitchen ceiling"),
        ("message", "Water is leaking through my kitchen ceiling from the flat above. It started last night and is dripping onto the light fitting. Please send someone today."),
    ], at: Channels.at(hours: 1))
    static let leakEmail: RawSubmission = Channels.email(
        from: "Anna.K@MAIL.example", name: "Anna Kowalska", subject: "Leak kitchen ceiling Flat 3 Rose Court",
        body: "Hello,\n\nWater is leaking through my kitchen ceiling from the flat above. It started last night and is dripping onto the light fitting. Please send someone today.\n\nAnna Kowalska\nFlat 3 Rose Court",
        at: Channels.at(hours: 2)
    )
    static let leakSMS: RawSubmission = Channels.sms(
        from: "447700900111", text: "Water leaking through my kitchen ceiling from the flat above, dripping onto the light fitting. Please send someone today. Anna, Flat 3 Rose Court",
        at: Channels.at(hours: 5)
    )

    @Test("The same leak by web form, email and text within a day: one case, three linked records", arguments: Backend.allCases)
    func sameLeakOnThreeChannels(_ backend: Backend) throws {
        let store = try Channels.store("leak", backend)
        let outcomes = try Channels.intake(store).ingest([Self.leakForm, Self.leakEmail, Self.leakSMS])
        #expect(outcomes.map(\.disposition) == [.accepted, .accepted, .accepted])
        let records = try store.records()
        #expect(Set(records.map(\.caseReference)) == [records[0].reference])
        #expect(Set(records.map(\.contactId)).count == 1)
        #expect(records[1].links?.map(\.kind) == [.repeatOf])
        #expect(records[2].links?.map(\.kind) == [.repeatOf])
        #expect(records[1].links?.first?.reference == records[0].reference)
        #expect(try store.caseRecords(caseReference: records[0].reference) == records.map(\.reference))
        // Nobody is flagged persistent for telling us three ways.
        #expect(!records.flatMap(\.flags).contains { $0.flag == .persistentContact })
    }

    @Test("The three channels in every order end as one case of three records, even when the first two are strangers to each other", arguments: Backend.allCases)
    func sameLeakInEveryOrder(_ backend: Backend) throws {
        let items = [Self.leakForm, Self.leakEmail, Self.leakSMS]
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let store = try Channels.store("leak-order", backend)
            let intake = Channels.intake(store)
            for index in order { _ = try intake.ingest([items[index]]) }
            let records = try store.records()
            #expect(records.count == 3, "order \(order)")
            #expect(Set(records.map(\.caseReference)).count == 1, "order \(order): \(records.map { ($0.reference, $0.caseReference ?? "-") })")
            #expect(Set(records.map(\.contactId)).count == 1, "order \(order)")
        }
    }

    // MARK: A councillor writing for a tenant who also writes

    @Test("A councillor writes for a tenant who also wrote: the tenant's contact and case, the councillor as representative, consent required", arguments: Backend.allCases)
    func councillorAndTenant(_ backend: Backend) throws {
        let store = try Channels.store("cllr", backend)
        let intake = Channels.intake(store)
        let tenantText = "There is black mould on the bedroom wall where my two children sleep. It has been reported three times since October and nobody has treated it. The children keep getting chest infections."
        let tenant = Channels.note([
            ("Caller", "Mrs Farida Begum"), ("Phone", "07700 900222"), ("Tenancy ref", "T-200452"),
            ("Address", "4 Oak Road"), ("Postcode", "LS7 3QT"), ("Taken by", "Priya"), ("Subject", "Mould in children's bedroom"),
        ], text: tenantText, at: Channels.at(days: 0, hours: 1))
        let councillor = Channels.form([
            ("kind", "complaint"), ("name", "Cllr Margaret Ellis"), ("email", "margaret.ellis@council.example"),
            ("on_behalf", "yes"), ("behalf_name", "Mrs Farida Begum"), ("behalf_relationship", "ward councillor"),
            ("address", "4 Oak Road"), ("postcode", "LS7 3QT"), ("tenancy_ref", "t-200452"),
            ("message", "I am writing for my constituent Mrs Begum. She tells me: there is black mould on the bedroom wall where her two children sleep. It has been reported three times since October and nobody has treated it. The children keep getting chest infections. Please treat this as urgent."),
        ], at: Channels.at(days: 2))
        let outcomes = try intake.ingest([tenant, councillor])
        #expect(outcomes.map(\.disposition) == [.accepted, .accepted])
        let records = try store.records()
        #expect(records[1].contactId == records[0].contactId)
        #expect(records[1].caseReference == records[0].reference)
        #expect(records[1].links?.first?.kind == .repeatOf)
        #expect(records[1].representative?.role == .councillor)
        #expect(records[1].flags.contains { $0.flag == .consentRequired })
        // The councillor's own email is not the tenant's identifier.
        let contact = try store.contact(id: try #require(records[0].contactId))
        #expect(!contact.identifiers.contains { $0.value == "margaret.ellis@council.example" })
        #expect(contact.identifiers.map(\.value).sorted() == ["+447700900222", "T-200452"])
    }

    // MARK: Two neighbours reporting the same lift

    @Test("Two neighbours report the same broken lift: two cases, linked as related, not duplicates", arguments: Backend.allCases)
    func neighboursAndTheLift(_ backend: Backend) throws {
        let store = try Channels.store("lift", backend)
        let intake = Channels.intake(store)
        let text = "The lift in Beech House has been broken since Friday. I am on the 9th floor and cannot get my shopping up the stairs. Please fix the lift."
        let first = Channels.note([
            ("Caller", "Kwame Osei"), ("Phone", "0113 496 0041"), ("Address", "Flat 41 Beech House, Mill Lane"), ("Postcode", "LS6 2AB"),
        ], text: text, at: Channels.at(days: 1))
        let second = Channels.form([
            ("name", "Grace Adeyemi"), ("email", "grace.a@mail.example"), ("address", "Flat 52, Beech House"), ("postcode", "LS6 2AB"),
            ("message", "The lift in Beech House has been broken since Friday. I am on the 10th floor and cannot get my shopping up the stairs. Please fix the lift."),
        ], at: Channels.at(days: 1, hours: 3))
        let unrelatedSameWords = Channels.form([
            ("name", "Peter Green"), ("email", "p.green@mail.example"), ("postcode", "BD1 1AA"),
            ("message", "The lift in Beech House has been broken since Friday. I am on the 9th floor and cannot get my shopping up the stairs. Please fix the lift."),
        ], at: Channels.at(days: 1, hours: 4))
        _ = try intake.ingest([first, second, unrelatedSameWords])
        let records = try store.records()
        #expect(Set(records.map(\.caseReference)).count == 3)
        #expect(records[1].links?.map(\.kind) == [.related])
        #expect(records[1].links?.first?.reference == records[0].reference)
        // Same words, another postcode and no building in common: not related.
        #expect(records[2].links == nil)
        let seenFromFirst = try store.links(reference: records[0].reference).links
        #expect(seenFromFirst.map(\.kind) == [.related])
        #expect(seenFromFirst.first?.outgoing == false)
    }

    // MARK: Thirty near-identical emails in a week

    @Test("A customer sends 30 near-identical emails in a week: one case, every email kept, duplicates and repeats linked, persistent_contact with the rule and counts", arguments: Backend.allCases)
    func thirtyEmailsInAWeek(_ backend: Backend) throws {
        let store = try Channels.store("thirty", backend)
        let intake = Channels.intake(store)
        var submissions: [RawSubmission] = []
        for index in 0..<30 {
            let body = index % 3 == 0
                ? "Why has nobody fixed my front door lock? I reported it weeks ago. I want it fixed now."
                : "Why has nobody fixed my front door lock? I reported it weeks ago. I want it fixed now. This is message \(index + 1)."
            submissions.append(Channels.email(
                from: "d.price@mail.example", name: "Daniel Price", subject: "Front door lock", body: body,
                at: Channels.at(days: Double(index) * 0.22)
            ))
        }
        let outcomes = try intake.ingest(submissions)
        #expect(outcomes.allSatisfy { $0.disposition == .accepted })
        let records = try store.records()
        #expect(records.count == 30)
        #expect(Set(records.map(\.caseReference)) == [records[0].reference])
        let kinds = records.dropFirst().map { $0.links?.first?.kind }
        #expect(kinds.allSatisfy { $0 == .duplicateOf || $0 == .repeatOf })
        #expect(records[3].links?.first?.kind == .duplicateOf)  // the same text as the first
        #expect(records[3].links?.first?.reference == records[0].reference)
        #expect(records[1].links?.first?.kind == .repeatOf)
        let persistent = records.map { $0.flags.filter { $0.flag == .persistentContact } }
        #expect(persistent[0..<4].allSatisfy { $0.isEmpty })
        #expect(persistent[4].count == 1)
        let reason = try #require(persistent[4].first?.reason)
        #expect(reason.contains("5 or more contacts about the same case within 7 days"))
        #expect(reason.contains("5 contacts about case \(records[0].reference)"))
        #expect(reason.contains(records[1].reference))
        // The 20th is also over the any-matter rule (20 within 30 days).
        #expect(persistent[19].contains { $0.reason.contains("20 or more contacts within 30 days") && $0.reason.contains("20 contacts from this person") })
    }

    @Test("An arrangement scoped to the web form applies to web-form records and not to texts (issue 13, defect 3)", arguments: Backend.allCases)
    func restrictionScopedToWebForm(_ backend: Backend) throws {
        let store = try Channels.store("restricted-webform", backend)
        let intake = Channels.intake(store)
        let fields: [(String, String)] = [("name", "Rita Moss"), ("email", "rita.moss@example.com"), ("phone", "07700 900444"), ("message", "The fence is still broken.")]
        let first = try intake.ingest([Channels.form(fields, at: Channels.at())])[0]
        let contactId = try #require(try Channels.record(store, first).contactId)
        try store.addRestriction(
            contactId: contactId, reason: "Daily posts to the form", approvedBy: "Head of Housing", reviewBy: "2099-01-01",
            singlePointOfContact: nil, channels: [Channel.webForm.rawValue], vulnerabilityCheck: "Checked", actor: "test"
        )
        let outcomes = try intake.ingest([
            Channels.form(fields.dropLast() + [("message", "Fence still broken, second week.")], at: Channels.at(days: 1)),
            Channels.sms(from: "07700 900444", text: "Fence still broken", at: Channels.at(days: 2)),
        ])
        #expect(try Channels.record(store, outcomes[0]).flags.contains { $0.flag == .restrictedContact })
        #expect(!(try Channels.record(store, outcomes[1]).flags.contains { $0.flag == .restrictedContact }))
    }

    // MARK: A restricted customer reporting a gas smell

    @Test("A customer under a contact arrangement: recorded in full and flagged; a gas smell is never restricted", arguments: Backend.allCases)
    func restrictedCustomerReportsGas(_ backend: Backend) throws {
        let store = try Channels.store("restricted", backend)
        let intake = Channels.intake(store)
        let first = try intake.ingest([Channels.sms(from: "447700900333", text: "You lot are useless, ring me back NOW about the fence", at: Channels.at())])[0]
        let contactId = try #require(try Channels.record(store, first).contactId)
        let arrangement = try store.addRestriction(
            contactId: contactId, reason: "Over 40 calls a week to repairs staff (LB-2026-000001 and others)", approvedBy: "Head of Housing",
            reviewBy: "2026-06-01", singlePointOfContact: "J Patel", channels: [], vulnerabilityCheck: "Checked: no disclosed needs", actor: "test"
        )
        let outcomes = try intake.ingest([
            Channels.sms(from: "07700 900333", text: "Still no fence panel. Ring me.", at: Channels.at(days: 1)),
            Channels.sms(from: "+447700900333", text: "I can smell gas in the kitchen, really strong", at: Channels.at(days: 2)),
        ])
        #expect(outcomes.map(\.disposition) == [.accepted, .accepted])
        let fence = try Channels.record(store, outcomes[0])
        let gas = try Channels.record(store, outcomes[1])
        #expect(fence.body == "Still no fence panel. Ring me.")
        let restricted = try #require(fence.flags.first { $0.flag == .restrictedContact })
        #expect(restricted.reason.contains("#\(arrangement.id)"))
        #expect(restricted.reason.contains("single point of contact: J Patel"))
        #expect(restricted.reason.contains("Head of Housing"))
        #expect(!gas.flags.contains { $0.flag == .restrictedContact })
        let waived = try #require(gas.flags.first { $0.flag == .restrictionDoesNotApply })
        #expect(waived.reason.contains("\"gas\""))
        #expect(gas.body.contains("smell gas"))
        // Ended: no more flags.
        try store.endRestriction(id: arrangement.id, actor: "test", reason: "Reviewed")
        let later = try intake.ingest([Channels.sms(from: "447700900333", text: "Thanks for the fence", at: Channels.at(days: 3))])[0]
        #expect(!(try Channels.record(store, later).flags.contains { $0.flag == .restrictedContact || $0.flag == .restrictionDoesNotApply }))
        let actions = try store.contact(id: contactId).audit.map(\.action)
        #expect(actions.contains("restriction_added") && actions.contains("restriction_ended"))
    }

    // MARK: Contacts

    @Test("Identifiers of two contacts on one submission join them (audited); a name and postcode alone never do, and unmerge gives records back", arguments: Backend.allCases)
    func contactsLinkMergeAndUnmerge(_ backend: Backend) throws {
        let store = try Channels.store("contacts", backend)
        let intake = Channels.intake(store)
        let byEmail = Channels.email(from: "s.okafor@mail.example", name: "Sandra Okafor", subject: "Bins", body: "The communal bins were not emptied this week.", at: Channels.at())
        let byPhone = Channels.sms(from: "447700900123", text: "Grass on the estate has not been cut all summer", at: Channels.at(days: 1))
        let both = Channels.form([
            ("name", "Sandra Okafor"), ("email", "s.okafor@mail.example"), ("phone", "+44 (0)7700 900123"),
            ("message", "Thank you to the caretaker for the new lights in the stairwell."),
        ], at: Channels.at(days: 2))
        let nameOnly = Channels.note([("Caller", "Mrs Sandra Okafor"), ("Postcode", "LS6 2AB")], text: "Asked about her rent statement.", at: Channels.at(days: 3))
        let nameOnly2 = Channels.note([("Caller", "Sandra Okafor"), ("Postcode", "ls62ab")], text: "Rang again about the rent statement, still not received.", at: Channels.at(days: 4))
        let outcomes = try intake.ingest([byEmail, byPhone, both, nameOnly, nameOnly2])
        #expect(outcomes.allSatisfy { $0.disposition == .accepted })
        let records = try store.records()
        let a = try #require(records[0].contactId)
        #expect(records[1].contactId == a)  // the phone's contact was merged into the email's
        #expect(records[2].contactId == a)
        let summary = try store.contact(id: a)
        #expect(summary.members.count == 1)
        #expect(summary.audit.contains { $0.action == "contact_merged" && ($0.reason ?? "").contains("phone +447700900123") })
        // Weak matches: new contacts, flagged, never merged.
        #expect(records[3].contactId != a)
        #expect(records[4].contactId != records[3].contactId)
        let weak = try #require(records[4].flags.first { $0.flag == .possibleSameContact })
        #expect(weak.reason.contains("same name and postcode (LS6 2AB)"))
        let weakOther = try #require(records[3].contactId)
        #expect(weak.reason.contains("contact #\(weakOther)"))

        // A person confirms and merges; then undoes it.
        let phoneContact = try #require(summary.members.first)
        try store.mergeContacts(keep: a, merge: weakOther, actor: "J Patel", reason: "Same tenant, confirmed by phone")
        #expect(try store.record(reference: records[3].reference)?.contactId == a)
        try store.unmergeContact(phoneContact, actor: "J Patel", reason: "Her son's phone, not hers")
        #expect(try store.record(reference: records[1].reference)?.contactId == phoneContact)
        #expect(try store.record(reference: records[0].reference)?.contactId == a)
        #expect(try store.record(reference: records[3].reference)?.contactId == a)
        let audit = try store.contact(id: a).audit
        #expect(audit.contains { $0.action == "contact_merged" && $0.actor == "J Patel" })
        #expect(try store.contact(id: phoneContact).audit.contains { $0.action == "contact_unmerged" && ($0.reason ?? "").contains("Her son's phone") })
        #expect(throws: StoreError.self) { try store.mergeContacts(keep: a, merge: a, actor: "x", reason: "y") }
    }

    @Test("A known contact gains a name it lacked and keeps the one it has; its postcode follows the latest one given (namesakes are found by it)", arguments: Backend.allCases)
    func knownContactsNameAndPostcode(_ backend: Backend) throws {
        let store = try Channels.store("contact-details", backend)
        let intake = Channels.intake(store)
        let phone = "447700900777"
        func form(_ name: String, _ postcode: String, _ message: String, days: Double) -> RawSubmission {
            Channels.form([("name", name), ("phone", "07700 900777"), ("postcode", postcode), ("message", message)], at: Channels.at(days: days))
        }
        func namesake(_ postcode: String, days: Double) throws -> FeedbackRecord {
            let outcome = try intake.ingest([Channels.note([("Caller", "Grace Hill"), ("Postcode", postcode)], text: "Asked when the scaffolding comes down.", at: Channels.at(days: days))])[0]
            return try Channels.record(store, outcome)
        }
        let first = try intake.ingest([Channels.sms(from: phone, text: "When is the bin day for the flats", at: Channels.at())])[0]
        let contact = try #require(try Channels.record(store, first).contactId)
        #expect(try store.contact(id: contact).name == nil)
        _ = try intake.ingest([form("Grace Hill", "LS6 2AB", "Thank you for fixing the gate so quickly.", days: 1)])
        #expect(try store.contact(id: contact).name == "Grace Hill")
        let before = try #require(try namesake("LS6 2AB", days: 2).flags.first { $0.flag == .possibleSameContact }?.reason)
        #expect(before.contains("same name and postcode (LS6 2AB)") && before.contains("contact #\(contact)"), "\(before)")
        // Moved: the same phone with another name and postcode. The name stays, the postcode follows.
        _ = try intake.ingest([form("G. Hill", "LS7 3CD", "Please update my address for letters.", days: 3)])
        #expect(try store.contact(id: contact).name == "Grace Hill")
        let after = try #require(try namesake("LS7 3CD", days: 4).flags.first { $0.flag == .possibleSameContact }?.reason)
        #expect(after.contains("same name and postcode (LS7 3CD)") && after.contains("contact #\(contact)"), "\(after)")
    }

    @Test("A new contact's namesakes: those with its postcode (or, without one, none) first, then the others, newest first, five at most", arguments: Backend.allCases)
    func namesakesInOrder(_ backend: Backend) throws {
        let store = try Channels.store("namesakes", backend)
        let intake = Channels.intake(store)
        let postcodes: [String?] = ["LS6 2AB", nil, "LS1 1AA", "LS6 2AB", "LS1 1AA", nil, "LS2 2BB", "LS1 1AA"]
        let notes = postcodes.enumerated().map { index, postcode in
            Channels.note([("Caller", "Sandra Okafor")] + (postcode.map { [("Postcode", $0)] } ?? []),
                          text: "Call \(index): asked about the repair to her back door.", at: Channels.at(days: Double(index)))
        }
        #expect(try intake.ingest(notes).allSatisfy { $0.disposition == .accepted })
        let contacts = try store.records().map { try #require($0.contactId) }
        #expect(Set(contacts).count == postcodes.count, "a name and postcode alone never join contacts")

        /// The contacts a record's possible_same_contact flag names, in its order.
        func named(_ outcome: IntakeOutcome) throws -> [Int64] {
            let record = try Channels.record(store, outcome)
            let reason = try #require(record.flags.first { $0.flag == .possibleSameContact }).reason
            let listed = reason.components(separatedBy: "It may be the same person as ")[1].components(separatedBy: ". A person")[0]
            return listed.components(separatedBy: "; ").map { Int64($0.dropFirst("contact #".count).prefix { $0.isNumber })! }
        }
        let withPostcode = try intake.ingest([Channels.note([("Caller", "Sandra Okafor"), ("Postcode", "LS6 2AB")], text: "Rang about the back door again.", at: Channels.at(days: 9))])[0]
        #expect(try named(withPostcode) == [contacts[3], contacts[0], contacts[7], contacts[6], contacts[5]])
        let withoutPostcode = try intake.ingest([Channels.note([("Caller", "Sandra Okafor")], text: "Asked whether the back door repair is booked.", at: Channels.at(days: 10))])[0]
        let newest = try #require(try Channels.record(store, withPostcode).contactId)
        #expect(try named(withoutPostcode) == [contacts[5], contacts[1], newest, contacts[7], contacts[6]])
    }

    @Test("A tenancy reference in the wrong format for this landlord is kept, flagged, and not used to link", arguments: Backend.allCases)
    func tenancyPatternIsConfigurable(_ backend: Backend) throws {
        let store = try Channels.store("tenancy", backend, policy: LinkingPolicy(tenancyPattern: try TenancyPattern("T-?[0-9]{6}")))
        let intake = Channels.intake(store)
        let outcomes = try intake.ingest([
            Channels.note([("Caller", "A Person"), ("Tenancy ref", "t 100311")], text: "Rent query one.", at: Channels.at()),
            Channels.note([("Caller", "B Person"), ("Tenancy ref", "T100311")], text: "Rent query two.", at: Channels.at(days: 1)),
            Channels.note([("Caller", "C Person"), ("Tenancy ref", "12345")], text: "Rent query three.", at: Channels.at(days: 2)),
            Channels.note([("Caller", "D Person"), ("Tenancy ref", "12345")], text: "Rent query four.", at: Channels.at(days: 3)),
        ])
        let records = try outcomes.map { try Channels.record(store, $0) }
        #expect(records[0].contactId == records[1].contactId)
        #expect(records[2].contactId != records[3].contactId)
        #expect(records[2].flags.contains { $0.flag == .invalidTenancyRef && $0.reason.contains("T-?[0-9]{6}") })
        #expect(records[2].contact.tenancyRef == "12345")
    }

    // MARK: Cases after closure, and exact duplicates outside the window

    @Test("The same matter after its case was closed opens a new case linked same_matter_as, flagged persistent_contact; a duplicate after 7 days is a repeat, not a duplicate", arguments: Backend.allCases)
    func afterClosureAndWindows(_ backend: Backend) throws {
        let store = try Channels.store("closed", backend)
        let intake = Channels.intake(store)
        let text = "The communal door entry system at Elm Court has not worked for two weeks and anyone can walk in."
        let first = try intake.ingest([Channels.email(from: "t@mail.example", name: "T Mensah", subject: "Door entry", body: text, at: Channels.at())])[0]
        let tenDaysLater = try intake.ingest([Channels.email(from: "t@mail.example", name: "T Mensah", subject: "Door entry", body: text, at: Channels.at(days: 10))])[0]
        let second = try Channels.record(store, tenDaysLater)
        #expect(second.links?.map(\.kind) == [.repeatOf])
        #expect(second.caseReference == first.reference)
        _ = try store.setCaseStatus(reference: try #require(first.reference), open: false, actor: "officer", reason: "Repaired 14 March")
        let again = try intake.ingest([Channels.email(from: "t@mail.example", name: "T Mensah", subject: "Door entry", body: text + " Again.", at: Channels.at(days: 20))])[0]
        let third = try Channels.record(store, again)
        #expect(third.caseReference == third.reference)
        #expect(third.links?.map(\.kind) == [.sameMatterAs])
        #expect(third.flags.contains { $0.flag == .persistentContact && $0.reason.contains("after that case was closed") })
    }

    @Test("The same form or text again: a redelivery within a day; a day later the customer writing again, a record linked to the first (not lost as a redelivery of an old case)", arguments: Backend.allCases)
    func sameContentAfterADayIsANewContact(_ backend: Backend) throws {
        let store = try Channels.store("same-content", backend)
        let intake = Channels.intake(store)
        let fields = [("name", "Ola Nowak"), ("email", "ola@mail.example"), ("phone", "07700 900222"), ("message", "The lift at Oak Tower is broken again and I cannot get up to the 9th floor.")]
        // A form carries no time of its own: the same fields are the same bytes whenever posted.
        func form(hours: Double) -> RawSubmission { Channels.form(fields, at: Channels.at(hours: hours)) }
        let first = try intake.ingest([form(hours: 0)])[0]
        #expect(first.disposition == .accepted)
        // Posted twice (a double click, Back and send): the first reference, no new record.
        let double = try intake.ingest([form(hours: 0.01), form(hours: 20)])
        #expect(double.map(\.disposition) == [.redelivery, .redelivery])
        #expect(double.map(\.reference) == [first.reference, first.reference])
        // Two days later: a new record, a duplicate of the first (same text, same contact,
        // within 7 days) in its case; the same post again within its day is its redelivery.
        let later = try intake.ingest([form(hours: 48)])[0]
        #expect(later.disposition == .accepted)
        #expect(later.reference != first.reference)
        let second = try Channels.record(store, later)
        #expect(second.links?.map(\.kind) == [.duplicateOf])
        #expect(second.caseReference == first.reference)
        #expect(second.idempotencyKey.hasSuffix(":day:\(Int(Channels.at(hours: 48).timeIntervalSince1970 / 86_400))"))
        let laterAgain = try intake.ingest([form(hours: 60), form(hours: 71.9)])
        #expect(laterAgain.map(\.disposition) == [.redelivery, .redelivery])
        #expect(laterAgain.map(\.reference) == [later.reference, later.reference])
        // Forty days on, with the first case closed: a new case, linked to the closed one.
        _ = try store.setCaseStatus(reference: try #require(first.reference), open: false, actor: "officer", reason: "Lift repaired")
        let weeksLater = try intake.ingest([form(hours: 40 * 24)])[0]
        #expect(weeksLater.disposition == .accepted)
        let third = try Channels.record(store, weeksLater)
        #expect(third.caseReference == third.reference)
        #expect(third.links?.map(\.kind) == [.sameMatterAs])
        // A text message without a gateway id is keyed on its bytes too.
        let text = "lift broken again at oak tower"
        let sms = try intake.ingest([Channels.sms(from: "447700900222", text: text, at: Channels.at(days: 50))])[0]
        let sent = Channels.sms(from: "447700900222", text: text, at: Channels.at(days: 50))
        func resent(hours: Double) -> RawSubmission {
            var again = sent
            again.receivedAt = Channels.at(days: 50, hours: hours)
            return again
        }
        let smsAgain = try intake.ingest([resent(hours: 3)]) + intake.ingest([resent(hours: 48)])
        #expect(sms.disposition == .accepted)
        #expect(smsAgain.map(\.disposition) == [.redelivery, .accepted])
        #expect(try store.records().count == 5)
        // Mail carries its own date and Message-ID: the same message is the same message however late.
        let mail = Channels.email(from: "ola@mail.example", name: "Ola Nowak", subject: "Lift", body: "Still broken.", at: Channels.at(days: 60), id: "fixed-id")
        var mailLater = mail
        mailLater.receivedAt = Channels.at(days: 90)
        let mails = try intake.ingest([mail])[0...] + intake.ingest([mailLater])
        #expect(mails.map(\.disposition) == [.accepted, .redelivery])
    }

    @Test("Abusive language is flagged with the terms, and the record is kept in full", arguments: Backend.allCases)
    func abusiveLanguage(_ backend: Backend) throws {
        let store = try Channels.store("abuse", backend)
        let intake = Channels.intake(store)
        let outcome = try intake.ingest([
            Channels.sms(from: "447700900444", text: "Fix my bloody boiler you useless bastards or I know where you live", at: Channels.at()),
        ])[0]
        let record = try Channels.record(store, outcome)
        let flag = try #require(record.flags.first { $0.flag == .abusiveLanguage })
        #expect(flag.reason.contains("\"bastards\"") && flag.reason.contains("\"know where you live\""))
        #expect(record.body.contains("boiler"))
        // The pipeline reads the terms while it decodes (off the store's single writer), as it
        // reads triage; a reading with none found says so, rather than leaving it to the writer.
        let completed = intake.completed(.feedback(FeedbackDraft(channel: .sms, subject: "Useless", body: "Bastards, the lot of you.")), receivedAt: Channels.at())
        let polite = intake.completed(.feedback(FeedbackDraft(channel: .sms, body: "Thank you for fixing the boiler.")), receivedAt: Channels.at())
        guard case .feedback(let read) = completed, case .feedback(let readPolite) = polite else {
            Issue.record("a feedback draft was completed as something else")
            return
        }
        #expect(read.abusiveTerms == ["bastards"])
        #expect(readPolite.abusiveTerms == [])
    }
}
