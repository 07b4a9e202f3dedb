import Foundation
import LetterboxCore

/// The fields of a phone note, whichever form it was written in, and how they become a draft.
struct NoteFields {
    /// The fields the format knows. Each has a documented key and common synonyms.
    enum Field: CaseIterable {
        case caller, phone, email, address, postcode, tenancyRef, onBehalfOf, relationship, consent
        case takenBy, callDate, callTime, subject, kind, notes

        /// Keys compare with case, spaces and punctuation ignored: "Tenancy ref", "tenancy_ref"
        /// and "TenancyRef" are the same key.
        static let synonyms: [String: Field] = {
            var map: [String: Field] = [:]
            let table: [(Field, [String])] = [
                (.caller, ["caller", "callername", "name", "customer", "customername", "tenant", "tenantname",
                           "resident", "residentname", "from", "contact", "contactname", "callfrom"]),
                (.phone, ["phone", "telephone", "tel", "mobile", "phonenumber", "telephonenumber", "mobilenumber",
                          "contactnumber", "number", "callernumber", "callbacknumber", "phoneno", "telno"]),
                (.email, ["email", "emailaddress", "mail", "e-mail"]),
                (.address, ["address", "propertyaddress", "property", "homeaddress"]),
                (.postcode, ["postcode", "postalcode", "zip", "zipcode"]),
                (.tenancyRef, ["tenancyref", "tenancyreference", "tenancy", "tenancyno", "tenancynumber", "tenantref",
                               "tenantreference", "accountref", "accountreference", "account", "accountnumber",
                               "rentaccount", "rentref", "tenancyid"]),
                (.onBehalfOf, ["onbehalfof", "behalfof", "onbehalf", "actingfor", "callingfor", "callingonbehalfof",
                               "forcustomer", "fortenant", "representing"]),
                (.relationship, ["relationship", "relation", "relationshiptotenant", "relationshiptocustomer", "role",
                                 "capacity", "callerrole", "connection"]),
                (.consent, ["consent", "consentgiven", "consentstated", "permission", "authority", "tenantconsent",
                            "customerconsent", "consenttoact"]),
                (.takenBy, ["takenby", "calltakenby", "staff", "officer", "recordedby", "handledby", "agent", "advisor",
                            "adviser", "loggedby", "operator"]),
                (.callDate, ["calldate", "date", "dateofcall", "datetime", "called", "when", "received", "callreceived",
                             "datereceived", "calldatetime", "dateandtime"]),
                (.callTime, ["calltime", "time", "timeofcall"]),
                (.subject, ["subject", "re", "regarding", "topic", "summary", "about", "title"]),
                (.kind, ["type", "kind", "feedbacktype", "calltype", "nature", "feedback"]),
                (.notes, ["notes", "note", "details", "message", "description", "callnotes", "body", "text"]),
            ]
            for (field, keys) in table {
                for key in keys { map[key] = field }
            }
            return map
        }()

        init?(key: String) {
            let compact = String(key.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
            guard let field = Self.synonyms[compact] else { return nil }
            self = field
        }
    }

    private var values: [Field: (key: String, value: String)] = [:]
    private var extra: [ExtraField] = []

    init(_ fields: [NoteField]) {
        for field in fields {
            let value = field.value.normalisedForRecord
            if let known = Field(key: field.key), values[known] == nil {
                if !value.isEmpty { values[known] = (field.key, value) }
            } else {
                extra.append(ExtraField(name: field.key, value: value))
            }
        }
    }

    func value(_ field: Field) -> String? { values[field]?.value }

    /// Builds the draft. `body` is the free text after the header block; an empty body may be
    /// given by a `Notes:` key instead.
    func draft(body: String, receivedAt: Date) -> FeedbackDraft {
        var text = body.normalisedForRecord
        if text.isEmpty, let notes = value(.notes) { text = notes }
        var draft = FeedbackDraft(channel: .phone, body: text)
        draft.subject = value(.subject)
        draft.statedKind = value(.kind)
        draft.recordedBy = value(.takenBy)
        draft.extraFields = extra
        if let notes = value(.notes), text != notes {
            draft.extraFields.append(ExtraField(name: values[.notes]!.key, value: notes))
        }
        readDate(into: &draft, receivedAt: receivedAt)
        readPeople(into: &draft)
        return draft
    }

    private func readDate(into draft: inout FeedbackDraft, receivedAt: Date) {
        let date = value(.callDate)
        let time = value(.callTime)
        let written = [date, time].compactMap { $0 }.joined(separator: " ")
        guard !written.isEmpty else { return }
        draft.contactedAtText = written
        if let instant = UKDateReader().date(from: written, relativeTo: receivedAt) {
            draft.contactedAt = instant
            // The note is the landlord's own record: staff heard the call when it was taken.
            draft.awareAt = instant
        } else {
            draft.flag(
                .unreadableDate,
                "The call date \"\(written)\" could not be read as a date and time, so it is kept as written. "
                    + "Check when the call was made."
            )
        }
    }

    private func readPeople(into draft: inout FeedbackDraft) {
        let callerName = value(.caller)
        var phone = value(.phone).map { Identifiers.phone($0) }
        var email: String?
        if let rawEmail = value(.email) {
            email = Identifiers.email(rawEmail)
            if email == nil {
                email = rawEmail
                draft.flag(.invalidEmail, "The email address \"\(rawEmail)\" does not look like an email address.")
            }
        }
        if let number = phone, number.e164 == nil {
            draft.flag(.invalidPhone, "The phone number \"\(number.raw)\" is not a number Letterbox can read; it is kept as written.")
        }
        var postcode: String?
        if let rawPostcode = value(.postcode) {
            postcode = Identifiers.postcode(rawPostcode)
            if postcode == nil {
                postcode = rawPostcode
                draft.flag(.invalidPostcode, "The postcode \"\(rawPostcode)\" is not in a UK postcode format; it is kept as written.")
            }
        }
        let onBehalfOf = value(.onBehalfOf)
        let relationship = value(.relationship)
        var contact = ContactDetails(
            name: callerName,
            email: email,
            phone: phone,
            address: value(.address),
            postcode: postcode,
            tenancyRef: value(.tenancyRef)
        )
        if onBehalfOf != nil || relationship != nil {
            // The caller is acting for someone: the customer is the person named in "On behalf of";
            // the caller's own phone and email belong to the representative.
            let consent = consentStated(relationship: relationship, body: draft.body)
            let role = relationship.map(Representative.Role.reading) ?? .other
            draft.representative = Representative(
                name: callerName,
                role: role,
                relationship: relationship,
                consentStated: consent,
                email: email,
                phone: phone
            )
            contact.name = onBehalfOf
            contact.email = nil
            contact.phone = nil
            phone = nil
            if !consent {
                let who = callerName ?? "The caller"
                let whom = onBehalfOf ?? "the customer"
                draft.flag(
                    .consentRequired,
                    "\(who) is acting for \(whom)\(relationship.map { " (\($0))" } ?? ""), and the note does not say "
                        + "that \(whom) agreed. Confirm consent before sharing any personal details."
                )
            }
        }
        draft.contact = contact
        if contact.isEmpty && draft.representative == nil {
            draft.flag(
                .noContactDetails,
                "The note gives no name, phone, email, address or tenancy reference for the caller."
            )
        }
    }

    /// Whether the note says the customer agreed to be represented: a `Consent:` field, or
    /// words to that effect in the relationship or the notes.
    private func consentStated(relationship: String?, body: String) -> Bool {
        if let consent = value(.consent)?.lowercased() {
            let no = ["no", "n", "false", "none", "not given", "not yet", "unknown", "refused", "pending"]
            if no.contains(where: { consent == $0 || consent.hasPrefix($0 + " ") }) { return false }
            return true
        }
        let text = ((relationship ?? "") + "\n" + body).lowercased()
        let negative = ["no consent", "not given consent", "without consent", "consent not", "hasn't given consent",
                        "has not given consent", "not consented", "no permission"]
        if negative.contains(where: text.contains) { return false }
        let positive = ["consent given", "given consent", "gave consent", "has consent", "with consent",
                        "with his consent", "with her consent", "with their consent", "consent confirmed",
                        "consents", "consented", "permission to speak", "has permission", "gave permission",
                        "given permission", "authority to act", "agreed for", "is happy for"]
        return positive.contains(where: text.contains)
    }
}
