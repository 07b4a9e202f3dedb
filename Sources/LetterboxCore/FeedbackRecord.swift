public import Foundation

/// One normalised piece of feedback, committed to the case store with a human reference.
///
/// The JSON form of this type (property names as below, dates in ISO 8601 UTC) is the
/// export contract documented in the README: add fields, never rename or remove them.
public struct FeedbackRecord: Hashable, Codable, Sendable {
    /// The kind of feedback. An open set; triage fills it in.
    public struct Kind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let complaint = Kind(rawValue: "complaint")
        public static let compliment = Kind(rawValue: "compliment")
        public static let suggestion = Kind(rawValue: "suggestion")
        public static let comment = Kind(rawValue: "comment")
        public static let serviceRequest = Kind(rawValue: "service_request")
        public static let informationRequest = Kind(rawValue: "information_request")
        public static let asbReport = Kind(rawValue: "asb_report")

    }

    /// Store row id.
    public var id: Int64
    /// `LB-2026-000123`: sequential within a year, never reused.
    public var reference: String
    public var channel: Channel
    /// Where it came from: a file path, a mailbox, a gateway.
    public var source: String
    public var receivedAt: Date
    public var contactedAt: Date?
    public var contactedAtText: String?
    /// When the landlord became aware of it, when that was before arrival (a phone call, when it
    /// was taken): due dates count from here. Nil: from `receivedAt`.
    public var awareAt: Date?
    /// The store's contact this record is linked to.
    public var contactId: Int64?
    public var contact: ContactDetails
    public var representative: Representative?
    public var subject: String?
    public var body: String
    public var attachments: [Attachment]
    public var flags: [FlagEntry]
    /// The kind: Letterbox's reading (``triage``), or an officer's correction of it.
    public var kind: Kind?
    /// Why the record has its kind: the evidence, or the officer's reason.
    public var kindReason: String?
    /// What the customer said it was (the form's kind, an SMS keyword), kept as their choice.
    public var statedKind: String?
    /// A complaint's category (delay, failure_to_provide, poor_quality, ...).
    public var category: String?
    public var categoryReason: String?
    /// repairs, damp_and_mould, building_safety, asb_handling, ... (README "Triage").
    public var serviceArea: String?
    /// When the acknowledgement is due (the end of that working day, Europe/London).
    public var acknowledgeBy: Date?
    /// When the response is due.
    public var respondBy: Date?
    /// All due dates, the Awaab's Law hazard clocks, and the rule that gave them in words.
    public var dueDates: DueDates?
    /// Letterbox's own reading, kept as it was when an officer corrects the kind or category.
    public var triage: TriageReading?
    /// The last correction an officer made (the audit log has every one).
    public var triageCorrection: TriageCorrection?
    public var recordedBy: String?
    public var extraFields: [ExtraField]
    /// Who passed the contact's message on (a member of staff forwarding an email), if not the contact.
    public var forwardedBy: ContactDetails?
    /// The reference of the case this record follows up, when the store linked it.
    public var followUpOf: String?
    /// The case this record belongs to: the reference of the case's first record (its own
    /// reference when it opened a new case).
    public var caseReference: String?
    /// What the store found this record to be linked to when it arrived: a duplicate, a repeat,
    /// related reports. `letterbox show` also lists links made later from other records.
    public var links: [RecordLink]?
    public var idempotencyKey: String
    /// The raw submission this record was read from; `letterbox show REF --raw` prints it.
    public var rawSubmissionId: Int64

    /// Builds the record for a draft the store has accepted.
    public init(
        id: Int64,
        reference: String,
        draft: FeedbackDraft,
        source: String,
        receivedAt: Date,
        contactId: Int64?,
        attachments: [Attachment],
        idempotencyKey: String,
        rawSubmissionId: Int64
    ) {
        self.id = id
        self.reference = reference
        self.channel = draft.channel
        self.source = source
        self.receivedAt = receivedAt
        self.contactedAt = draft.contactedAt
        self.contactedAtText = draft.contactedAtText
        self.awareAt = draft.awareAt
        self.contactId = contactId
        self.contact = draft.contact
        self.representative = draft.representative
        self.subject = draft.subject
        self.body = draft.body
        self.attachments = attachments
        self.flags = draft.flags
        self.kind = nil
        self.kindReason = nil
        self.statedKind = draft.statedKind
        self.category = nil
        self.categoryReason = nil
        self.serviceArea = nil
        self.acknowledgeBy = nil
        self.respondBy = nil
        self.dueDates = nil
        self.triage = nil
        self.triageCorrection = nil
        self.recordedBy = draft.recordedBy
        self.extraFields = draft.extraFields
        self.forwardedBy = draft.forwardedBy
        self.followUpOf = nil
        self.caseReference = nil
        self.links = nil
        self.idempotencyKey = idempotencyKey
        self.rawSubmissionId = rawSubmissionId
    }
}

/// A link from one record to another record or case, with the evidence.
public struct RecordLink: Hashable, Codable, Sendable {
    public struct Kind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The same text from the same contact within the duplicate window: points at the first record.
        public static let duplicateOf = Kind(rawValue: "duplicate_of")
        /// Similar wording from the same contact while a case is open: points at the case.
        public static let repeatOf = Kind(rawValue: "repeat_of")
        /// Near-identical wording from someone else at the same postcode or building.
        public static let related = Kind(rawValue: "related")
        /// Similar wording from the same contact after the case was closed: a new case, pointing at the old one.
        public static let sameMatterAs = Kind(rawValue: "same_matter_as")
        /// A reply or a mention of a case reference (email threading).
        public static let followUpOf = Kind(rawValue: "follow_up_of")
    }

    public var kind: Kind
    /// The record (or, for repeat_of and same_matter_as, the case) linked to.
    public var reference: String
    /// The Jaccard index of the two texts' word pairs, where wording decided the link.
    public var similarity: Double?
    /// Why, in words an officer can put in a letter.
    public var reason: String

    public init(kind: Kind, reference: String, similarity: Double? = nil, reason: String) {
        self.kind = kind
        self.reference = reference
        self.similarity = similarity
        self.reason = reason
    }
}

/// An officer's correction of triage: who, when, why, and what it replaced.
public struct TriageCorrection: Hashable, Codable, Sendable {
    public var by: String
    public var at: Date
    public var reason: String
    public var previousKind: String?
    public var previousCategory: String?
    public var previousServiceArea: String?

    public init(by: String, at: Date, reason: String, previousKind: String?, previousCategory: String?, previousServiceArea: String?) {
        self.by = by
        self.at = at
        self.reason = reason
        self.previousKind = previousKind
        self.previousCategory = previousCategory
        self.previousServiceArea = previousServiceArea
    }
}

extension FeedbackRecord {
    /// Applies a triage reading and its due dates (at intake, or after a correction).
    public mutating func apply(_ reading: TriageReading, dueDates: DueDates) {
        triage = reading
        kind = reading.kind
        kindReason = reading.kindReason
        category = reading.category
        categoryReason = reading.categoryReason
        serviceArea = reading.serviceArea
        setDueDates(dueDates)
    }

    public mutating func setDueDates(_ dates: DueDates) {
        dueDates = dates
        acknowledgeBy = dates.acknowledgeBy
        respondBy = dates.respondBy
    }
}
