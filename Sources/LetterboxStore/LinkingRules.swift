public import Foundation
public import LetterboxCore

/// The record being linked, as the rules see it: when, what it says, and where.
public struct LinkingSubject: Sendable {
    /// When the customer made contact (seconds since 1970): the call time of a note, else arrival.
    public var at: Int64
    public var fingerprint: TextFingerprint
    public var postcode: String?
    /// The building (`rose court`), when the address names one.
    public var addressKey: String?
    /// The contact it resolved to, if any.
    public var contactId: Int64?
    /// Triage's service area, for reworded repeats.
    public var serviceArea: String?
    /// The content words are made only when the rules ask (a reworded repeat is tried only
    /// when the wording tests fail): given, or from this text.
    private var givenContent: ContentWords?
    private var contentText: String

    /// Its content words (with light stemming, its own place left out), for reworded repeats.
    public var content: ContentWords { givenContent ?? ContentWords(contentText, place: addressKey) }

    public init(at: Int64, fingerprint: TextFingerprint, postcode: String?, addressKey: String?, contactId: Int64?,
                content: ContentWords = ContentWords(""), serviceArea: String? = nil) {
        self.at = at
        self.fingerprint = fingerprint
        self.postcode = postcode
        self.addressKey = addressKey
        self.contactId = contactId
        self.givenContent = content
        self.contentText = ""
        self.serviceArea = serviceArea
    }

    /// The subject of a draft: its text as compared, its contact time, its normalised place.
    /// `fingerprint`, when given, is the one ``fingerprint(of:)`` made of this draft earlier.
    public init(draft: FeedbackDraft, receivedAt: Date, contactId: Int64?, fingerprint: TextFingerprint? = nil) {
        let postcode = draft.contact.postcode.flatMap(Identifiers.postcode)
        let compared = Linking.comparedText(body: draft.body, subject: draft.subject)
        let addressKey = draft.contact.address.flatMap { Identifiers.addressKey($0, postcode: postcode) }
        self.init(
            at: Linking.eventTime(contactedAt: draft.contactedAt, receivedAt: receivedAt),
            fingerprint: fingerprint ?? TextFingerprint(compared),
            postcode: postcode,
            addressKey: addressKey,
            contactId: contactId,
            serviceArea: draft.triage?.serviceArea
        )
        givenContent = nil
        contentText = compared
    }

    /// The wording fingerprint of a draft, as the subject compares it: made while a batch is
    /// prepared, so the store's single writer does not.
    public static func fingerprint(of draft: FeedbackDraft) -> TextFingerprint {
        TextFingerprint(Linking.comparedText(body: draft.body, subject: draft.subject))
    }

    /// The keys to file the record under, and to look up near-identical wording by.
    public var bandKeys: [Int64] { Linking.placeBandKeys(fingerprint, postcode: postcode, addressKey: addressKey) }
}

/// What the store found that the rules decide on. A store backend fills it with its queries;
/// the rules never query.
public struct LinkingCandidates: Sendable {
    /// The case email threading (or a quoted reference) found.
    public struct FollowUp: Sendable {
        public var recordId: Int64
        public var reference: String
        public var caseId: Int64
        public var how: String

        public init(recordId: Int64, reference: String, caseId: Int64, how: String) {
            self.recordId = recordId
            self.reference = reference
            self.caseId = caseId
            self.how = how
        }
    }

    /// The earliest record with the same text from the same contact within the duplicate window.
    public struct Duplicate: Sendable {
        public var recordId: Int64
        public var reference: String
        public var caseId: Int64

        public init(recordId: Int64, reference: String, caseId: Int64) {
            self.recordId = recordId
            self.reference = reference
            self.caseId = caseId
        }
    }

    /// An earlier record worth comparing: the same contact's, or from the same place with
    /// wording that shares a band.
    public struct Compared: Sendable {
        public var recordId: Int64
        public var reference: String
        public var caseId: Int64
        public var caseReference: String
        public var caseOpen: Bool
        /// As stored (`2026-03-01T...`), for closed cases.
        public var caseClosedAt: String?
        public var at: Int64
        public var sameContact: Bool
        public var samePostcode: Bool
        public var sameBuilding: Bool
        public var fingerprint: TextFingerprint
        /// For the same contact's open cases: the record's content words, service area and
        /// building (whose words say nothing about the matter).
        public var content: ContentWords?
        public var serviceArea: String?
        public var place: String?

        public init(
            recordId: Int64, reference: String, caseId: Int64, caseReference: String, caseOpen: Bool, caseClosedAt: String?,
            at: Int64, sameContact: Bool, samePostcode: Bool, sameBuilding: Bool, fingerprint: TextFingerprint,
            content: ContentWords? = nil, serviceArea: String? = nil, place: String? = nil
        ) {
            self.content = content
            self.serviceArea = serviceArea
            self.place = place
            self.recordId = recordId
            self.reference = reference
            self.caseId = caseId
            self.caseReference = caseReference
            self.caseOpen = caseOpen
            self.caseClosedAt = caseClosedAt
            self.at = at
            self.sameContact = sameContact
            self.samePostcode = samePostcode
            self.sameBuilding = sameBuilding
            self.fingerprint = fingerprint
        }
    }

    public var followUp: FollowUp?
    public var duplicate: Duplicate?
    /// In the order found (bands newest first, then the contact's newest first).
    public var compared: [Compared]

    public init(followUp: FollowUp? = nil, duplicate: Duplicate? = nil, compared: [Compared] = []) {
        self.followUp = followUp
        self.duplicate = duplicate
        self.compared = compared
    }
}

/// What the rules decided: the record's case (an existing one, or a new one), its links with
/// their reasons, other open cases it shows to be the same matter, and flags.
public struct LinkingDecision: Sendable {
    public struct Link: Sendable {
        public var kind: RecordLink.Kind
        public var targetId: Int64
        public var link: RecordLink
    }

    /// The existing case the record joins; nil for a new case.
    public var caseId: Int64?
    public var links: [Link] = []
    /// Other open cases of the same contact this record shows to be the same matter: joined into `caseId`.
    public var casesToJoin: [(id: Int64, reference: String, evidence: String)] = []
    public var flags: [FlagEntry] = []
}

/// The linking rules: pure functions of the subject, the candidates and the policy. Every
/// store backend finds candidates its own way and decides through these, so the behaviour is
/// written once.
public enum LinkingRules {
    /// Decides the case and links (README, "Linking"): a follow-up's case, else a duplicate's,
    /// else the oldest open case the same contact raised the same matter in, else a new case;
    /// the same matter as a recently closed case is a new case flagged `persistent_contact`;
    /// near-identical words from someone else at the same place are `related`.
    public static func decide(_ subject: LinkingSubject, _ candidates: LinkingCandidates, policy: LinkingPolicy) -> LinkingDecision {
        struct Match {
            var candidate: LinkingCandidates.Compared
            var similarity: Double
            var how: String
            var days: Int64
        }
        let repeatWindow = Int64(policy.repeatWindowDays) * Linking.day
        var repeats: [Match] = []
        var closedMatches: [Match] = []
        var related: [Match] = []
        lazy var content = subject.content
        for candidate in candidates.compared where candidate.recordId != candidates.duplicate?.recordId {
            guard candidate.sameContact || candidate.samePostcode || candidate.sameBuilding else { continue }
            let seconds = abs(subject.at - candidate.at)
            let jaccard = subject.fingerprint.jaccard(candidate.fingerprint)
            if candidate.sameContact {
                if let same = policy.sameMatter(subject.fingerprint, candidate.fingerprint, seconds: seconds) {
                    let match = Match(candidate: candidate, similarity: jaccard, how: same.how, days: seconds / Linking.day)
                    if candidate.caseOpen, seconds <= repeatWindow { repeats.append(match) } else if !candidate.caseOpen { closedMatches.append(match) }
                } else if candidate.caseOpen, seconds <= repeatWindow, let theirs = candidate.content,
                          let reworded = policy.sameMatterReworded(
                              content.without(candidate.place), subject.serviceArea, theirs.without(subject.addressKey), candidate.serviceArea
                          ) {
                    // The same person about an open case in other words: content words, not word pairs.
                    repeats.append(Match(candidate: candidate, similarity: reworded.share, how: reworded.how, days: seconds / Linking.day))
                }
            } else if jaccard >= policy.relatedThreshold, seconds <= repeatWindow {
                let place = candidate.samePostcode ? "the same postcode (\(subject.postcode ?? ""))" : "the same building (\(subject.addressKey ?? ""))"
                related.append(Match(
                    candidate: candidate, similarity: jaccard,
                    how: "a different person at \(place) wrote near-identical words (\(percent(jaccard)) the same)", days: seconds / Linking.day
                ))
            }
        }

        var decision = LinkingDecision()
        if let followUp = candidates.followUp {
            decision.caseId = followUp.caseId
            decision.links.append(.init(kind: .followUpOf, targetId: followUp.recordId, link: RecordLink(
                kind: .followUpOf, reference: followUp.reference,
                reason: "A follow-up of \(followUp.reference): \(followUp.how)."
            )))
        }
        if let duplicate = candidates.duplicate {
            if candidates.followUp == nil { decision.caseId = duplicate.caseId }
            decision.links.append(.init(kind: .duplicateOf, targetId: duplicate.recordId, link: RecordLink(
                kind: .duplicateOf, reference: duplicate.reference, similarity: 1,
                reason: "The same text from the same contact as \(duplicate.reference), within \(policy.duplicateWindowDays) days. Kept in full and added to that record's case; it is not a new case."
            )))
        } else if !repeats.isEmpty {
            // The oldest open case the matter is in; the best-matching record in it is the evidence.
            let primary = repeats.map(\.candidate.caseId).min()!
            let best = repeats.filter { $0.candidate.caseId == primary }
                .max(by: { ($0.similarity, -$0.candidate.recordId) < ($1.similarity, -$1.candidate.recordId) })!
            if candidates.followUp == nil {
                decision.caseId = best.candidate.caseId
                var joined = Set<Int64>()
                for other in repeats.sorted(by: { $0.candidate.caseId < $1.candidate.caseId })
                where other.candidate.caseId != primary && joined.insert(other.candidate.caseId).inserted {
                    decision.casesToJoin.append((other.candidate.caseId, other.candidate.caseReference, "\(other.candidate.reference): \(other.how)"))
                }
            }
            let days = best.days == 0 ? "the same day" : "\(best.days) day\(best.days == 1 ? "" : "s") apart"
            decision.links.append(.init(kind: .repeatOf, targetId: best.candidate.caseId, link: RecordLink(
                kind: .repeatOf, reference: best.candidate.caseReference, similarity: rounded(best.similarity),
                reason: "Raises the same matter as \(best.candidate.reference) in open case \(best.candidate.caseReference): \(best.how), from the same contact \(days). Added to that case as a new record."
            )))
        }
        if decision.caseId == nil, let closed = closedMatches.max(by: { $0.similarity < $1.similarity }),
            let rule = policy.persistence.first(where: { $0.scope == .afterClosed }),
            let closedText = closed.candidate.caseClosedAt, let closedAt = Timestamp.date(closedText),
            subject.at - Int64(closedAt.timeIntervalSince1970) <= Int64(rule.days) * Linking.day
        {
            let day = String(closedText.prefix(10))
            decision.links.append(.init(kind: .sameMatterAs, targetId: closed.candidate.caseId, link: RecordLink(
                kind: .sameMatterAs, reference: closed.candidate.caseReference, similarity: rounded(closed.similarity),
                reason: "Raises the same matter as \(closed.candidate.reference) in case \(closed.candidate.caseReference), which was closed on \(day): \(closed.how). Recorded as a new case; whether the matter was already decided is for a person to judge."
            )))
            decision.flags.append(FlagEntry(
                .persistentContact,
                reason: "Rule \"\(rule.summary)\": this raises the matter of case \(closed.candidate.caseReference) again (\(percent(closed.similarity)) the same wording as \(closed.candidate.reference)), after that case was closed on \(day). Nothing has been held back."
            ))
        }
        for match in related.sorted(by: { $0.similarity > $1.similarity }).prefix(20) {
            decision.links.append(.init(kind: .related, targetId: match.candidate.recordId, link: RecordLink(
                kind: .related, reference: match.candidate.reference, similarity: rounded(match.similarity),
                reason: "Related to \(match.candidate.reference): \(match.how). Not a duplicate: each person's report is its own case."
            )))
        }
        return decision
    }

    /// The `persistent_contact` flag for one rule, given how many earlier records the store
    /// counted in the rule's window (up to `cap`) and their references (fetched only when the
    /// rule is reached); nil when under the rule.
    public static func persistence(
        _ rule: PersistenceRule, counted count: Int, cap: Int, references: @autoclosure () throws -> [String], caseReference: String
    ) rethrows -> FlagEntry? {
        guard count + 1 >= rule.count, rule.scope != .afterClosed else { return nil }
        let counted = count >= cap ? "\(cap) or more" : "\(count + 1)"
        let listed = list(try references(), total: count >= cap ? nil : count)
        switch rule.scope {
        case .sameCase:
            return FlagEntry(.persistentContact, reason: "Rule \"\(rule.summary)\": \(counted) contacts about case \(caseReference) within \(rule.days) days, this one included (\(listed)). Nothing has been held back.")
        case .allContacts:
            return FlagEntry(.persistentContact, reason: "Rule \"\(rule.summary)\": \(counted) contacts from this person within \(rule.days) days, this one included (\(listed)). Nothing has been held back.")
        case .afterClosed:
            return nil
        }
    }

    /// Two building keys name the same building when one is the other or starts with it
    /// (`rose court` and `rose court leeds`).
    public static func sameBuilding(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, a.count >= 4, b.count >= 4 else { return false }
        return a == b || a.hasPrefix(b + " ") || b.hasPrefix(a + " ")
    }

    static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func list(_ references: [String], total: Int? = nil) -> String {
        let shown = references.prefix(20)
        let count = (total ?? references.count)
        let more = count - shown.count
        return shown.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }
}
