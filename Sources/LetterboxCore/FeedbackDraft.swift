public import Foundation

/// What a decoder read from one submission: everything about the contact that the bytes say,
/// before the store gives it a reference.
///
/// Text is Unicode NFC with LF line endings. Fields the input does not give stay nil.
public struct FeedbackDraft: Hashable, Codable, Sendable {
    public var channel: Channel
    /// When the customer made contact, if the input says (a call date, an email's Date).
    public var contactedAt: Date?
    /// The contact time exactly as written, kept whenever one was given.
    public var contactedAtText: String?
    public var contact: ContactDetails
    public var representative: Representative?
    public var subject: String?
    public var body: String
    /// What the customer or the member of staff said the feedback is ("complaint"), as written.
    public var statedKind: String?
    /// The member of staff who wrote the submission down (phone notes), if any.
    public var recordedBy: String?
    /// Fields the format does not know, kept in order with their original names.
    public var extraFields: [ExtraField]
    public var flags: [FlagEntry]
    public var attachments: [AttachmentPayload]

    public init(
        channel: Channel,
        contactedAt: Date? = nil,
        contactedAtText: String? = nil,
        contact: ContactDetails = ContactDetails(),
        representative: Representative? = nil,
        subject: String? = nil,
        body: String,
        statedKind: String? = nil,
        recordedBy: String? = nil,
        extraFields: [ExtraField] = [],
        flags: [FlagEntry] = [],
        attachments: [AttachmentPayload] = []
    ) {
        self.channel = channel
        self.contactedAt = contactedAt
        self.contactedAtText = contactedAtText
        self.contact = contact
        self.representative = representative
        self.subject = subject
        self.body = body
        self.statedKind = statedKind
        self.recordedBy = recordedBy
        self.extraFields = extraFields
        self.flags = flags
        self.attachments = attachments
    }

    /// Adds a flag unless the same flag is already there.
    public mutating func flag(_ flag: Flag, _ reason: String) {
        guard !flags.contains(where: { $0.flag == flag }) else { return }
        flags.append(FlagEntry(flag, reason: reason))
    }
}

/// A named value the input carried that the format has no field for.
public struct ExtraField: Hashable, Codable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
