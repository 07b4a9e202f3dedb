/// A marker on a feedback record that a person should notice, always stored with its reason.
///
/// An open set, like ``Channel``. Flags never hold anything back: they are information for
/// the complaints officer, written in words that can go into a letter.
public struct Flag: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A date was given but could not be read; the text is kept in `contactedAtText`.
    public static let unreadableDate = Flag(rawValue: "unreadable_date")
    /// The text was not in the encoding it claimed (or claimed none) and was read by a best guess.
    public static let encodingGuessed = Flag(rawValue: "encoding_guessed")
    /// The submission carries no name, email, phone, address or tenancy reference.
    public static let noContactDetails = Flag(rawValue: "no_contact_details")
    /// A phone number was given but is not a number Letterbox can put in E.164 form.
    public static let invalidPhone = Flag(rawValue: "invalid_phone")
    /// An email address was given but does not look like one.
    public static let invalidEmail = Flag(rawValue: "invalid_email")
    /// A postcode was given but is not in a UK postcode format.
    public static let invalidPostcode = Flag(rawValue: "invalid_postcode")
    /// Someone is acting for the customer and the submission does not say the customer agreed.
    public static let consentRequired = Flag(rawValue: "consent_required")

    /// The email's MIME structure breaks the rules (a missing boundary, a truncated part); it
    /// was read as well as it could be, and the raw message is kept.
    public static let malformedMessage = Flag(rawValue: "malformed_message")
    /// An attachment was larger than the configured maximum; it is only in the raw message.
    public static let attachmentTooLarge = Flag(rawValue: "attachment_too_large")
    /// Another, different submission used the same Message-ID (or gateway id): both are kept.
    public static let messageIDReused = Flag(rawValue: "message_id_reused")
    /// It replies to or names an existing case, but its sender is not that case's contact or
    /// representative: a person must decide whether it belongs there.
    public static let possibleFollowUp = Flag(rawValue: "possible_follow_up")

    /// A tenancy reference was given but does not have the landlord's configured format; it is
    /// kept as typed and not used to link contacts.
    public static let invalidTenancyRef = Flag(rawValue: "invalid_tenancy_ref")
    /// The name (and postcode) match another contact, but no email, phone or tenancy reference
    /// does: a person should confirm before the two are merged (`letterbox contacts merge`).
    public static let possibleSameContact = Flag(rawValue: "possible_same_contact")
    /// The contact's frequency passed a configured rule; the reason names the rule, the counts,
    /// the window and the records. Information for the officer: nothing is held back.
    public static let persistentContact = Flag(rawValue: "persistent_contact")
    /// The text contains terms on the configured abusive-language list, so staff can prepare.
    public static let abusiveLanguage = Flag(rawValue: "abusive_language")
    /// The contact is under a contact arrangement a person approved; the record is kept and
    /// forwarded in full, and the reason describes the arrangement.
    public static let restrictedContact = Flag(rawValue: "restricted_contact")
    /// The contact is under an arrangement, but this reports an emergency or a health-and-safety
    /// matter, to which arrangements never apply.
    public static let restrictionDoesNotApply = Flag(rawValue: "restriction_does_not_apply")

    public var description: String { rawValue }

}

/// A flag together with the evidence that raised it.
public struct FlagEntry: Hashable, Codable, Sendable {
    public var flag: Flag
    /// Plain-English reason, suitable for an officer to quote.
    public var reason: String

    public init(_ flag: Flag, reason: String) {
        self.flag = flag
        self.reason = reason
    }
}
