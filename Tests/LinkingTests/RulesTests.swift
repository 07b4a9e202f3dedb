import Foundation
import LetterboxCore
import LetterboxStore
import Testing

/// The linking rules alone: candidates in, a decision with its reasons out. No SQLite.
@Suite("Linking rules, without a store")
struct RulesTests {
    static let day: Int64 = 86_400
    static let now: Int64 = 1_780_000_000
    static let leak = "Water is coming through my kitchen ceiling from the flat above and the light fitting is wet, please send someone"
    static let leakAgain = "Water is still coming through my kitchen ceiling from the flat above and the light fitting is wet, please send someone today"
    static let bins = "The communal bins at Rose Court have not been emptied for two weeks and there are rats"

    static func subject(_ text: String, contact: Int64? = 1, postcode: String? = "LS1 4AB", at: Int64 = now) -> LinkingSubject {
        LinkingSubject(at: at, fingerprint: TextFingerprint(text), postcode: postcode, addressKey: nil, contactId: contact)
    }

    static func candidate(
        _ id: Int64, _ text: String, caseId: Int64? = nil, open: Bool = true, closedAt: String? = nil,
        daysAgo: Int64 = 1, sameContact: Bool = true, samePostcode: Bool = false
    ) -> LinkingCandidates.Compared {
        .init(
            recordId: id, reference: "LB-2026-\(String(format: "%06d", id))", caseId: caseId ?? id,
            caseReference: "LB-2026-\(String(format: "%06d", caseId ?? id))", caseOpen: open, caseClosedAt: closedAt,
            at: now - daysAgo * day, sameContact: sameContact, samePostcode: samePostcode, sameBuilding: false,
            fingerprint: TextFingerprint(text)
        )
    }

    @Test("The same contact raising the same matter while the case is open: a repeat of that case, with the evidence in the reason")
    func repeatOfOpenCase() {
        let decision = LinkingRules.decide(Self.subject(Self.leakAgain), .init(compared: [Self.candidate(10, Self.leak, daysAgo: 1)]), policy: LinkingPolicy())
        #expect(decision.caseId == 10)
        #expect(decision.links.count == 1)
        let link = decision.links[0]
        #expect(link.kind == .repeatOf)
        #expect(link.link.reason.contains("LB-2026-000010"))
        #expect(link.link.reason.contains("1 day apart"))
        #expect(decision.flags.isEmpty)
    }

    @Test("Different words from the same contact, or the same words outside the window: a new case")
    func notTheSameMatter() {
        let other = LinkingRules.decide(Self.subject(Self.bins), .init(compared: [Self.candidate(10, Self.leak)]), policy: LinkingPolicy())
        #expect(other.caseId == nil)
        #expect(other.links.isEmpty)
        let late = LinkingRules.decide(Self.subject(Self.leakAgain), .init(compared: [Self.candidate(10, Self.leak, daysAgo: 45)]), policy: LinkingPolicy())
        #expect(late.caseId == nil)
    }

    /// The issue's case: the tenant writes again the next day about the same leak in other
    /// words; word pairs barely overlap, content words do.
    @Test("A reworded repeat from the same contact links to their open case on content words; not across service areas, closed cases or people")
    func rewordedRepeat() {
        let first = "There is water leaking through my kitchen ceiling from the flat above, near the light."
        let again = "Still leaking from the flat above into my kitchen ceiling, nobody has come"
        #expect(TextFingerprint(again).jaccard(TextFingerprint(first)) < LinkingPolicy().repeatThreshold)
        func subject(_ text: String, area: String? = "repairs") -> LinkingSubject {
            LinkingSubject(at: Self.now, fingerprint: TextFingerprint(text), postcode: nil, addressKey: nil, contactId: 1,
                           content: ContentWords(text), serviceArea: area)
        }
        func candidate(_ text: String, area: String? = "repairs", open: Bool = true, sameContact: Bool = true) -> LinkingCandidates.Compared {
            var compared = Self.candidate(10, text, open: open, closedAt: open ? nil : "2026-05-01T10:00:00Z", sameContact: sameContact, samePostcode: !sameContact)
            compared.content = sameContact && open ? ContentWords(text) : nil
            compared.serviceArea = area
            return compared
        }
        let linked = LinkingRules.decide(subject(again), .init(compared: [candidate(first)]), policy: LinkingPolicy())
        #expect(linked.caseId == 10)
        let reason = linked.links.first { $0.kind == .repeatOf }?.link.reason ?? ""
        #expect(reason.contains("reworded") && reason.contains("“leaking”") && reason.contains("“kitchen”") && reason.contains("“ceiling”"))
        // Triage read them as about unrelated service areas: not the same matter.
        #expect(LinkingRules.decide(subject(again, area: "asb_handling"), .init(compared: [candidate(first)]), policy: LinkingPolicy()).caseId == nil)
        // Neighbouring areas (water near the light read as building safety, the leak as repairs):
        // the same matter when nearly all the shorter text's content words are in the other ...
        #expect(LinkingRules.decide(subject(again, area: "building_safety"), .init(compared: [candidate(first)]), policy: LinkingPolicy()).caseId == 10)
        // ... and not when only the usual share is (three of four here: 75%).
        let shorter = "Kitchen ceiling leaking again, and the bathroom"
        #expect(LinkingRules.decide(subject(shorter), .init(compared: [candidate(first)]), policy: LinkingPolicy()).caseId == 10)
        #expect(LinkingRules.decide(subject(shorter, area: "building_safety"), .init(compared: [candidate(first)]), policy: LinkingPolicy()).caseId == nil)
        // Another person's leak, or a closed case: content words are not enough.
        #expect(LinkingRules.decide(subject(again), .init(compared: [candidate(first, sameContact: false)]), policy: LinkingPolicy()).caseId == nil)
        #expect(LinkingRules.decide(subject(again), .init(compared: [candidate(first, open: false)]), policy: LinkingPolicy()).links.allSatisfy { $0.kind != .repeatOf })
        // A different matter from the same person shares too few content words.
        #expect(LinkingRules.decide(subject(Self.bins, area: "repairs"), .init(compared: [candidate(first)]), policy: LinkingPolicy()).caseId == nil)
        // Off when the threshold is above 1.
        var off = LinkingPolicy()
        off.rewordThreshold = 2
        #expect(LinkingRules.decide(subject(again), .init(compared: [candidate(first)]), policy: off).caseId == nil)
    }

    @Test("Light stemming and the words every contact uses")
    func contentWords() {
        let words = ContentWords("Still LEAKING, the leaks leaked! Dripping taps; please fix the ceilings at Rose Court", place: "rose court")
        #expect(words.words == ["leaking", "dripping", "taps", "ceilings"])
        #expect(words.hashes.count == 4)
        #expect(ContentWords("my flat, please, again, nobody came").hashes.isEmpty)
        // A text message's spellings are the words: "thru" is "through", "pls" is "please" (ignored).
        #expect(ContentWords("water still comin thru the kitchen ceiling pls").hashes
            == ContentWords("water still coming through the kitchen ceiling please").hashes)
    }

    @Test("A duplicate decides the case, and the wording of other candidates is not scored")
    func duplicateWins() {
        let candidates = LinkingCandidates(
            duplicate: .init(recordId: 20, reference: "LB-2026-000020", caseId: 7),
            compared: [Self.candidate(20, Self.leak), Self.candidate(30, Self.leak, caseId: 30)]
        )
        let decision = LinkingRules.decide(Self.subject(Self.leak), candidates, policy: LinkingPolicy())
        #expect(decision.caseId == 7)
        #expect(decision.links.map(\.kind) == [.duplicateOf])
        #expect(decision.links[0].link.reason.contains("within 7 days"))
    }

    @Test("A follow-up keeps its thread's case; a repeat of another open case is still linked, and no case is joined")
    func followUpKeepsItsCase() {
        let candidates = LinkingCandidates(
            followUp: .init(recordId: 40, reference: "LB-2026-000040", caseId: 40, how: "a reply to our email"),
            compared: [Self.candidate(10, Self.leak)]
        )
        let decision = LinkingRules.decide(Self.subject(Self.leakAgain), candidates, policy: LinkingPolicy())
        #expect(decision.caseId == 40)
        #expect(decision.links.map(\.kind) == [.followUpOf, .repeatOf])
        #expect(decision.casesToJoin.isEmpty)
    }

    @Test("The same matter in two open cases of one contact: the oldest case keeps the record, the other is joined into it")
    func joinsOpenCases() {
        let candidates = LinkingCandidates(compared: [Self.candidate(50, Self.leak, daysAgo: 1), Self.candidate(12, Self.leak, daysAgo: 3)])
        let decision = LinkingRules.decide(Self.subject(Self.leakAgain), candidates, policy: LinkingPolicy())
        #expect(decision.caseId == 12)
        #expect(decision.casesToJoin.map(\.id) == [50])
    }

    @Test("The same matter after its case was closed: a new case, linked and flagged persistent, within the rule's days only")
    func afterClosed() {
        let recent = Self.candidate(10, Self.leak, open: false, closedAt: Timestamp.string(Date(timeIntervalSince1970: Double(Self.now - 20 * Self.day))), daysAgo: 25)
        let decision = LinkingRules.decide(Self.subject(Self.leakAgain), .init(compared: [recent]), policy: LinkingPolicy())
        #expect(decision.caseId == nil)
        #expect(decision.links.map(\.kind) == [.sameMatterAs])
        #expect(decision.flags.map(\.flag) == [.persistentContact])
        #expect(decision.flags.first?.reason.contains("Nothing has been held back") == true)
        let old = Self.candidate(10, Self.leak, open: false, closedAt: Timestamp.string(Date(timeIntervalSince1970: Double(Self.now - 100 * Self.day))), daysAgo: 105)
        let later = LinkingRules.decide(Self.subject(Self.leakAgain), .init(compared: [old]), policy: LinkingPolicy())
        #expect(later.links.isEmpty && later.flags.isEmpty)
    }

    @Test("Near-identical words from someone else at the same postcode are related, never their case; at another place, nothing")
    func relatedNotMerged() {
        let neighbour = Self.candidate(60, Self.bins, sameContact: false, samePostcode: true)
        let decision = LinkingRules.decide(Self.subject(Self.bins, contact: 2), .init(compared: [neighbour]), policy: LinkingPolicy())
        #expect(decision.caseId == nil)
        #expect(decision.links.map(\.kind) == [.related])
        #expect(decision.links[0].link.reason.contains("the same postcode (LS1 4AB)"))
        let stranger = Self.candidate(60, Self.bins, sameContact: false, samePostcode: false)
        #expect(LinkingRules.decide(Self.subject(Self.bins, contact: 2), .init(compared: [stranger]), policy: LinkingPolicy()).links.isEmpty)
    }

    @Test("Persistence: the rule is reached with this record included; at the cap the count says 'or more'")
    func persistence() {
        let rule = PersistenceRule(scope: .sameCase, count: 5, days: 7)
        #expect(LinkingRules.persistence(rule, counted: 3, cap: 100, references: [], caseReference: "LB-2026-000001") == nil)
        let flag = LinkingRules.persistence(rule, counted: 4, cap: 100, references: ["A", "B", "C", "D"], caseReference: "LB-2026-000001")
        #expect(flag?.reason.contains("5 contacts about case LB-2026-000001 within 7 days") == true)
        #expect(flag?.reason.contains("A, B, C, D") == true)
        let flood = LinkingRules.persistence(PersistenceRule(scope: .allContacts, count: 20, days: 30), counted: 100, cap: 100, references: ["A"], caseReference: "")
        #expect(flood?.reason.contains("100 or more contacts from this person") == true)
    }
}
