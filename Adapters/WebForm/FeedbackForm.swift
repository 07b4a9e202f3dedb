import Foundation
public import LetterboxCore

/// The feedback form's answers, read from a ``FormBody`` and checked the way the form page
/// explains them. The same model backs the HTML form, the JSON API and the decoder.
public struct FeedbackForm: Sendable, Hashable {
    /// One problem with one field, written for the person filling in the form.
    public struct FieldError: Sendable, Hashable {
        /// The field's `id` on the page (the error summary links to it).
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// Limits the form states on the page.
    public struct Limits: Sendable {
        public var maxAttachments: Int
        public var maxAttachmentBytes: Int
        public var maxMessageCharacters: Int

        public init(maxAttachments: Int = 5, maxAttachmentBytes: Int = 10 * 1024 * 1024, maxMessageCharacters: Int = 20_000) {
            self.maxAttachments = maxAttachments
            self.maxAttachmentBytes = maxAttachmentBytes
            self.maxMessageCharacters = maxMessageCharacters
        }
    }

    public static let kinds = ["complaint", "compliment", "suggestion", "comment"]
    public static let contactMethods = ["email", "phone", "text", "letter"]
    /// Photos and PDFs: what tenants send to show a problem.
    public static let attachmentTypes: Set<String> = [
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "application/pdf",
    ]
    /// The hidden field people never see and bots fill in.
    public static let honeypotField = "website"

    public var body: FormBody

    public init(_ body: FormBody) {
        self.body = body
    }

    public subscript(_ name: String) -> String? { body[name] }

    public func isTicked(_ name: String) -> Bool {
        guard let value = body[name]?.lowercased() else { return false }
        return ["yes", "on", "true", "1"].contains(value)
    }

    public var honeypotFilled: Bool { body[Self.honeypotField] != nil }

    public var attachments: [FormBody.File] { body.files.filter { $0.field == "attachments" } }

    /// Every problem with the answers, in the order the fields appear on the page.
    public func validate(limits: Limits = Limits()) -> [FieldError] {
        var errors: [FieldError] = []
        if let kind = self["kind"], !Self.kinds.contains(kind.lowercased()) {
            errors.append(FieldError(field: "kind-complaint", message: "Choose complaint, compliment, suggestion or comment"))
        }
        if let email = self["email"], Identifiers.email(email) == nil {
            errors.append(FieldError(field: "email", message: "Enter an email address in the correct format, like name@example.com"))
        }
        if let phone = self["phone"], Identifiers.phone(phone).e164 == nil {
            errors.append(FieldError(field: "phone", message: "Enter a phone number, like 07700 900123 or 0121 496 0000"))
        }
        if let postcode = self["postcode"], Identifiers.postcode(postcode) == nil {
            errors.append(FieldError(field: "postcode", message: "Enter a real postcode, like B1 1AA"))
        }
        if isTicked("on_behalf") {
            if self["behalf_name"] == nil {
                errors.append(FieldError(field: "behalf_name", message: "Enter the name of the person you are writing for"))
            }
            if self["behalf_relationship"] == nil {
                errors.append(FieldError(field: "behalf_relationship", message: "Enter how you know the person you are writing for, like daughter or councillor"))
            }
        }
        if self["subject"].map({ $0.count > 200 }) == true {
            errors.append(FieldError(field: "subject", message: "Subject must be 200 characters or fewer"))
        }
        if let message = self["message"] {
            if message.count > limits.maxMessageCharacters {
                errors.append(FieldError(field: "message", message: "Message must be \(limits.maxMessageCharacters) characters or fewer"))
            }
        } else {
            errors.append(FieldError(field: "message", message: "Enter your message"))
        }
        if let method = self["contact_by"]?.lowercased() {
            switch method {
            case "email" where self["email"] == nil:
                errors.append(FieldError(field: "email", message: "Enter your email address, or choose another way for us to contact you"))
            case "phone" where self["phone"] == nil, "text" where self["phone"] == nil:
                errors.append(FieldError(field: "phone", message: "Enter your phone number, or choose another way for us to contact you"))
            case "letter" where self["address"] == nil:
                errors.append(FieldError(field: "address", message: "Enter your address, or choose another way for us to contact you"))
            default:
                if !Self.contactMethods.contains(method) {
                    errors.append(FieldError(field: "contact_by-email", message: "Choose email, phone, text message or letter"))
                }
            }
        }
        if isTicked("access_interpreter"), self["interpreter_language"] == nil {
            errors.append(FieldError(field: "interpreter_language", message: "Enter the language you need an interpreter for"))
        }
        let files = attachments
        if files.count > limits.maxAttachments {
            errors.append(FieldError(field: "attachments", message: "Attach \(limits.maxAttachments) files or fewer"))
        }
        for file in files {
            if file.data.count > limits.maxAttachmentBytes {
                errors.append(FieldError(field: "attachments", message: "\(file.name) is larger than \(limits.maxAttachmentBytes / (1024 * 1024)) MB: attach a smaller file"))
            } else if !Self.attachmentTypes.contains(file.mediaType) {
                errors.append(FieldError(field: "attachments", message: "\(file.name) must be a photo (JPG, PNG, GIF, WEBP, HEIC) or a PDF"))
            }
        }
        return errors
    }

    /// The record's draft. Does not validate (the server has, and a quarantine retry should
    /// record what it can): a form with no message at all is the only refusal.
    public func draft() throws(IntakeError) -> FeedbackDraft {
        guard let message = self["message"] else {
            throw IntakeError(.empty, "The form was sent with no message.")
        }
        var draft = FeedbackDraft(channel: .webForm, body: message.normalisedForRecord)
        draft.subject = self["subject"].map { $0.normalisedForRecord }
        draft.statedKind = self["kind"]?.lowercased()
        var contact = ContactDetails()
        contact.name = self["name"]
        if let email = self["email"] {
            if let normal = Identifiers.email(email) {
                contact.email = normal
            } else {
                contact.email = email
                draft.flag(.invalidEmail, "The email address given, \"\(email)\", does not look like one.")
            }
        }
        if let phone = self["phone"] {
            let number = Identifiers.phone(phone)
            contact.phone = number
            if number.e164 == nil { draft.flag(.invalidPhone, "The phone number given, \"\(phone)\", could not be read.") }
        }
        contact.address = self["address"].map { $0.normalisedForRecord }
        if let postcode = self["postcode"] {
            if let normal = Identifiers.postcode(postcode) {
                contact.postcode = normal
            } else {
                contact.postcode = postcode
                draft.flag(.invalidPostcode, "The postcode given, \"\(postcode)\", is not in a UK postcode format.")
            }
        }
        contact.tenancyRef = self["tenancy_ref"]
        if isTicked("on_behalf") {
            // The person filling in the form is the representative; the customer is the person
            // they write for.
            let relationship = self["behalf_relationship"]
            let consent = isTicked("behalf_consent")
            draft.representative = Representative(
                name: contact.name,
                role: relationship.map { Representative.Role.reading($0) } ?? .other,
                relationship: relationship,
                consentStated: consent,
                email: contact.email,
                phone: contact.phone
            )
            draft.contact = ContactDetails(
                name: self["behalf_name"],
                address: contact.address,
                postcode: contact.postcode,
                tenancyRef: contact.tenancyRef
            )
            if !consent {
                draft.flag(
                    .consentRequired,
                    "\(contact.name ?? "The person who filled in the form") wrote on behalf of \(self["behalf_name"] ?? "someone else") and did not confirm that they agreed."
                )
            }
        } else {
            draft.contact = contact
        }
        if draft.contact.isEmpty && draft.representative == nil {
            draft.flag(.noContactDetails, "The form was sent without a name, email, phone number, address or tenancy reference.")
        }
        if let method = self["contact_by"] {
            draft.extraFields.append(ExtraField(name: "Contact by", value: method.lowercased()))
        }
        var needs: [String] = []
        if isTicked("access_large_print") { needs.append("large print") }
        if isTicked("access_braille") { needs.append("Braille") }
        if isTicked("access_interpreter") { needs.append("an interpreter (\(self["interpreter_language"] ?? "language not given"))") }
        if isTicked("access_bsl") { needs.append("British Sign Language") }
        if let other = self["access_other"] { needs.append(other) }
        if !needs.isEmpty {
            draft.extraFields.append(ExtraField(name: "Accessibility needs", value: needs.joined(separator: "; ")))
        }
        draft.attachments = attachments.enumerated().map { index, file in
            AttachmentPayload(
                name: FileNames.sanitised(file.name, mediaType: file.mediaType, index: index + 1),
                mediaType: file.mediaType,
                data: file.data
            )
        }
        return draft
    }
}
