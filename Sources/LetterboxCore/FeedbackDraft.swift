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
    /// When the landlord became aware of the contact, set only by an adapter whose date is the
    /// landlord's own record of it: a phone call typed up later was heard when it was taken.
    /// Nil means on arrival. A sender's clock (an email's Date, a form's date) never sets it, so
    /// it cannot start a statutory clock early. The store uses it only when it is not after
    /// arrival.
    public var awareAt: Date?
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
    /// Who passed the contact's message on to the landlord (a member of staff forwarding an
    /// email), when it was not the contact.
    public var forwardedBy: ContactDetails?
    /// What the submission says about earlier messages, for the store to link follow-ups.
    public var thread: ThreadHints?
    /// Triage's reading, when the pipeline made it before the commit (in parallel, off the
    /// store's single writer). Decoders leave it nil; the store reads a draft without one itself.
    public var triage: TriageReading?
    /// The terms of the store's abusive-language list in the subject and text, when the
    /// pipeline read them before the commit (beside triage, off the single writer). Decoders
    /// leave it nil; the store reads a draft without them itself.
    public var abusiveTerms: [String]?

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
        attachments: [AttachmentPayload] = [],
        forwardedBy: ContactDetails? = nil,
        thread: ThreadHints? = nil
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
        self.forwardedBy = forwardedBy
        self.thread = thread
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

/// What a submission says about the conversation it belongs to. The store uses it to link a
/// follow-up to its case, and only when the sender is that case's contact or representative.
public struct ThreadHints: Hashable, Codable, Sendable {
    /// The submission's own transport identifiers (an email's Message-ID, and that of a
    /// forwarded message inside it), so later replies can find it.
    public var messageIDs: [String]
    /// Identifiers of earlier messages it replies to (In-Reply-To, then References, newest first).
    public var repliesTo: [String]
    /// Record references (`LB-2026-000123`) written in the subject or the text, quoted text included.
    public var mentionedReferences: [String]

    public init(messageIDs: [String] = [], repliesTo: [String] = [], mentionedReferences: [String] = []) {
        self.messageIDs = messageIDs
        self.repliesTo = repliesTo
        self.mentionedReferences = mentionedReferences
    }

    public var isEmpty: Bool { repliesTo.isEmpty && mentionedReferences.isEmpty }

    /// Every token shaped like a record reference (`ABC-2026-000123`, any prefix of letters).
    public static func references(in text: String) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "-", index > 0, isLetter(scalars[index - 1]) else {
                index += 1
                continue
            }
            var start = index - 1
            while start > 0 && isLetter(scalars[start - 1]) && index - start < 12 { start -= 1 }
            if start > 0, isLetter(scalars[start - 1]) || isDigit(scalars[start - 1]) {
                index += 1
                continue
            }
            // -YYYY-NNNNNN (six or more digits)
            var cursor = index + 1
            var digits = 0
            while cursor < scalars.count && isDigit(scalars[cursor]) && digits < 4 { cursor += 1; digits += 1 }
            guard digits == 4, cursor < scalars.count, scalars[cursor] == "-" else { index += 1; continue }
            cursor += 1
            let numberStart = cursor
            while cursor < scalars.count && isDigit(scalars[cursor]) { cursor += 1 }
            let length = cursor - numberStart
            if length >= 6 && length <= 9 && (cursor == scalars.count || !isLetter(scalars[cursor])) {
                let reference = String(String.UnicodeScalarView(scalars[start..<cursor])).uppercased()
                if !found.contains(reference) { found.append(reference) }
            }
            index = cursor
        }
        return found
    }

    private static func isLetter(_ s: Unicode.Scalar) -> Bool { (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") }
    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
}

extension FeedbackDraft {
    /// The kind a text message names in its first word ("COMPLAINT the lift..."): the customer's
    /// own choice of kind, whichever gateway carried it.
    public static func keywordKind(_ body: String) -> String? {
        let first = body.prefix(while: { $0.isLetter }).lowercased()
        return ["complaint", "compliment", "suggestion", "comment"].contains(first) ? first : nil
    }
}
