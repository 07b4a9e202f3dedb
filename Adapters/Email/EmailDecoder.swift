public import Foundation
public import LetterboxCore
import LetterboxXML

/// Reads one RFC 5322 message into a feedback draft, or a machine-mail verdict.
///
/// Pure: no I/O, no clock. The envelope addresses (from the MTA) arrive in the submission's
/// metadata as `envelope_sender` and `envelope_recipient`.
public struct EmailDecoder: SubmissionDecoder {
    public var channel: Channel { .email }
    /// Attachments larger than this are left in the raw message and the record is flagged.
    public var maxAttachmentBytes: Int
    /// The landlord's own mail domains: a message forwarded from one of them was forwarded by
    /// staff, and a reply from one of them to a case is staff correspondence, not feedback.
    public var organisationDomains: Set<String>
    public var parser = MIMEParser()

    public init(maxAttachmentBytes: Int = 50 * 1024 * 1024, organisationDomains: Set<String> = []) {
        self.maxAttachmentBytes = maxAttachmentBytes
        self.organisationDomains = Set(organisationDomains.map { $0.lowercased() })
    }

    public func decode(_ submission: RawSubmission) throws -> Decoded {
        let bytes = [UInt8](submission.bytes)
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) else {
            throw IntakeError(.empty, "The message is empty.")
        }
        let root = parser.parse(bytes)
        guard !root.headers.fields.isEmpty else {
            throw IntakeError(.malformed, "This is not an email: it starts with no header fields (\(Self.preview(bytes))).")
        }
        let known = ["from", "sender", "reply-to", "to", "subject", "date", "message-id", "received", "return-path", "mime-version", "content-type"]
        guard root.headers.fields.contains(where: { known.contains($0.name.lowercased()) }) else {
            throw IntakeError(.malformed, "This is not an email: none of its header fields is a mail header (From, To, Subject, Date...).")
        }
        if let verdict = MachineMail.classify(root) {
            return .ignored(verdict: verdict.verdict, reason: verdict.reason)
        }
        let outerFrom = Mailbox.first(root.headers.raw("From"))
        let outerSubject = root.headers.text("Subject")
        let attached = forwardedMessage(in: root)
        if let domain = outerFrom?.domain, organisationDomains.contains(domain), isReply(root, subject: outerSubject),
            attached == nil
        {
            return .ignored(
                verdict: "staff_reply",
                reason: "A reply from the landlord's own address (\(domain)) to an earlier message: staff correspondence, not feedback."
            )
        }

        var draft = FeedbackDraft(channel: .email, body: "")
        var extra: [ExtraField] = []
        // An attached message is the customer's only when staff forwarded it, or when the sender
        // says they are passing on someone else's message (or sends it with no words of their
        // own); a message from the landlord's own domains never is. Otherwise the sender is the
        // customer, their text is the feedback, and the attached message is their evidence.
        let recipientDomains = Set(
            (Mailbox.list(root.headers.raw("To") ?? "") + Mailbox.list(submission.metadata["envelope_recipient"] ?? "")).compactMap(\.domain)
        )
        let ownDomain = { (domain: String?) in domain.map { self.organisationDomains.contains($0) || recipientDomains.contains($0) } ?? false }
        let staff = ownDomain(outerFrom?.domain)
        var forwarded: MIMEPart?
        var evidence: MIMEPart?
        if let attached {
            let attachedFrom = Mailbox.first(attached.headers.raw("From"))
            let fromLandlord = ownDomain(attachedFrom?.domain)
            if !fromLandlord && (staff || Self.passesOn(bodyText(root, skipping: attached).text)) {
                forwarded = attached
            } else {
                evidence = attached
                var described: [String] = []
                if let attachedFrom { described.append("from " + Self.describe(attachedFrom)) }
                if let date = attached.headers.raw("Date")?.collapsingWhitespace { described.append("sent " + String(date.prefix(80))) }
                if let subject = attached.headers.text("Subject") {
                    described.append("subject \"" + String(subject.normalisedForRecord.prefix(200)) + "\"")
                }
                extra.append(ExtraField(name: "Attached message", value: described.isEmpty ? "an email with no headers" : described.joined(separator: ", ")))
            }
        }
        // The message the feedback is in: the forwarded one, if it is the customer's.
        let message = forwarded ?? root
        var outerNote: String?
        if let forwarded {
            let forwarder = contactDetails(outerFrom)
            if staff {
                draft.forwardedBy = forwarder
            } else {
                draft.representative = Representative(
                    name: outerFrom?.name,
                    role: .other,
                    relationship: "forwarded the customer's email",
                    consentStated: false,
                    email: outerFrom?.normalisedAddress
                )
                draft.flag(.consentRequired, "The email was forwarded by \(outerFrom?.address ?? "someone") and does not say the customer agreed.")
            }
            let note = bodyText(root, skipping: forwarded)
            if !note.text.isEmpty { outerNote = note.text }
        }

        // Who it is from.
        let headers = message.headers
        let from = Mailbox.first(headers.raw("From"))
        let replyTo = Mailbox.first(headers.raw("Reply-To"))
        let sender = Mailbox.first(headers.raw("Sender"))
        var contactBox = from
        if let from, Self.isNoReply(from), let replyTo, replyTo.normalisedAddress != nil {
            contactBox = replyTo
            extra.append(ExtraField(name: "From", value: Self.describe(from)))
        } else if from == nil || from?.normalisedAddress == nil, let replyTo {
            contactBox = replyTo
        } else if let replyTo, replyTo.normalisedAddress != from?.normalisedAddress {
            extra.append(ExtraField(name: "Reply-To", value: Self.describe(replyTo)))
        }
        if contactBox == nil, let sender { contactBox = sender }
        draft.contact = contactDetails(contactBox)
        if let address = contactBox?.address, !address.isEmpty, Identifiers.email(address) == nil {
            draft.flag(.invalidEmail, "The sender's address \"\(address.prefix(80))\" does not look like an email address.")
        }
        if let sender, let senderAddress = sender.normalisedAddress, senderAddress != contactBox?.normalisedAddress,
            draft.representative == nil, draft.forwardedBy == nil
        {
            draft.representative = Representative(
                name: sender.name,
                role: Self.role(of: sender) ?? .other,
                relationship: "sent the email for the contact (Sender header)",
                consentStated: false,
                email: senderAddress
            )
        }
        // A councillor or MP writing from their own address is a representative; the person
        // they write for is named in the text, so the contact stays empty for staff to fill in.
        if draft.representative == nil, let box = contactBox, let role = Self.role(of: box) {
            draft.representative = Representative(
                name: box.name,
                role: role,
                relationship: nil,
                consentStated: false,
                email: box.normalisedAddress
            )
            draft.contact = ContactDetails()
            draft.flag(.consentRequired, "The email is from \(role == .mp ? "an MP" : "a councillor") writing for a constituent; check the customer's consent.")
        }

        // What it says.
        draft.subject = headers.text("Subject").flatMap { $0.isEmpty ? nil : $0.normalisedForRecord }
        let text = bodyText(message, skipping: evidence)
        for guess in text.guesses { draft.flag(.encodingGuessed, guess) }
        let split = QuoteSplitter.split(text.text)
        draft.body = split.newText.normalisedForRecord
        if draft.body.isEmpty {
            draft.body = "(The email has no text.)"
        }
        Self.readSignature(draft.body, into: &draft.contact)
        if let outerNote { extra.append(ExtraField(name: "Forwarding note", value: outerNote.normalisedForRecord)) }
        if let dateText = headers.raw("Date")?.collapsingWhitespace, !dateText.isEmpty {
            draft.contactedAtText = dateText
            if let date = MailDate.parse(dateText) {
                draft.contactedAt = date
            } else {
                draft.flag(.unreadableDate, "The Date header \"\(dateText.prefix(80))\" could not be read.")
            }
        }
        if let to = root.headers.raw("To")?.collapsingWhitespace, !to.isEmpty { extra.append(ExtraField(name: "To", value: String(to.prefix(500)))) }
        if let recipient = submission.metadata["envelope_recipient"] { extra.append(ExtraField(name: "Envelope recipient", value: recipient)) }
        if let envelopeSender = submission.metadata["envelope_sender"] { extra.append(ExtraField(name: "Envelope sender", value: envelopeSender)) }
        draft.extraFields = extra

        // Files.
        var tooLarge: [String] = []
        draft.attachments = attachments(of: root, skipping: text.usedParts, tooLarge: &tooLarge)
        if !tooLarge.isEmpty {
            draft.flag(
                .attachmentTooLarge,
                "Larger than the \(maxAttachmentBytes / (1024 * 1024)) MB limit, kept only in the raw message: \(tooLarge.joined(separator: "; "))."
            )
        }

        // Defects anywhere in the structure.
        var defects: [String] = []
        collectDefects(root, into: &defects)
        if !defects.isEmpty {
            var unique: [String] = []
            for d in defects where !unique.contains(d) { unique.append(d) }
            draft.flag(.malformedMessage, unique.prefix(5).joined(separator: " "))
        }

        // The conversation.
        let conversation = (forwarded ?? evidence).map { [root, $0] } ?? [root]
        let ids = conversation.flatMap { MessageIDs.list($0.headers.raw("Message-ID")) }
        let replies = conversation.flatMap {
            MessageIDs.list($0.headers.raw("In-Reply-To")) + MessageIDs.list($0.headers.raw("References")).reversed()
        }
        var uniqueReplies: [String] = []
        for id in replies where !uniqueReplies.contains(id) && !ids.contains(id) { uniqueReplies.append(id) }
        let mentioned = ThreadHints.references(in: [outerSubject ?? "", draft.subject ?? "", text.text, outerNote ?? ""].joined(separator: "\n"))
        draft.thread = ThreadHints(messageIDs: ids, repliesTo: Array(uniqueReplies.prefix(50)), mentionedReferences: Array(mentioned.prefix(20)))

        if draft.contact.isEmpty && draft.representative == nil {
            draft.flag(.noContactDetails, "The email has no readable sender address.")
        }
        return .feedback(draft)
    }

    /// Words with which a sender says the attached message is someone else's that they pass on
    /// (a relative, a neighbour, a constituent). Without them, an attached message is evidence.
    static let passingOnPhrases = [
        "forwarding", "i have forwarded", "i've forwarded", "forwarded to me", "forwarded this", "passing on", "passing this on",
        "pass this on", "pass on", "on behalf of", "on her behalf", "on his behalf", "on their behalf", "asked me to send",
        "asked me to forward", "sent me this", "sent this to me", "received this from", "see below from", "see the email below from",
        "email below from", "message below from", "from my constituent", "my constituent", "from my neighbour", "from my neighbor",
        "from my mother", "from my mum", "from my father", "from my dad", "from my son", "from my daughter", "from my tenant",
        "from a tenant", "from a resident",
    ]

    /// True when the sender's own words say they pass the attached message on, or there are none.
    static func passesOn(_ note: String) -> Bool {
        let text = note.lowercased().collapsingWhitespace.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return true }
        return passingOnPhrases.contains { text.contains($0) }
    }

    // MARK: - Structure

    /// A message forwarded as an attachment: the first message/rfc822 part at the top level
    /// (or inside the top-level multipart/mixed), when the message is not a report.
    func forwardedMessage(in root: MIMEPart) -> MIMEPart? {
        if let inner = root.attachedMessage.first { return inner }
        guard root.contentType.type == "multipart", root.contentType.subtype != "report" else { return nil }
        for child in root.children {
            if let inner = child.attachedMessage.first { return inner }
        }
        return nil
    }

    func isReply(_ root: MIMEPart, subject: String?) -> Bool {
        if root.headers.contains("In-Reply-To") { return true }
        let s = (subject ?? "").lowercased()
        return s.hasPrefix("re:") || s.hasPrefix("re ") || s.hasPrefix("aw:")
    }

    struct BodyText {
        var text: String
        var guesses: [String]
        /// Identities of the parts whose text was used (so they are not also attachments).
        var usedParts: Set<Int>
    }

    /// The readable text of a message: text/plain preferred within multipart/alternative, HTML
    /// turned into text, inline text parts of a multipart/mixed joined in order.
    func bodyText(_ message: MIMEPart, skipping: MIMEPart?) -> BodyText {
        var result = BodyText(text: "", guesses: [], usedParts: [])
        var pieces: [String] = []
        collectText(message, into: &pieces, result: &result, skipping: skipping)
        result.text = pieces.joined(separator: "\n\n")
        return result
    }

    private func collectText(_ part: MIMEPart, into pieces: inout [String], result: inout BodyText, skipping: MIMEPart?) {
        let type = part.contentType
        if type.type == "multipart" {
            if type.subtype == "alternative" {
                let candidates = part.children
                let plain = candidates.lazy.filter { $0.contentType.mimeType == "text/plain" && !$0.isAttachment }
                    .map { ($0, textOf($0)) }.first { !$0.1.text.isBlank }
                if let (plainPart, decoded) = plain {
                    append(plainPart, decoded, into: &pieces, result: &result)
                } else if let html = candidates.first(where: { $0.contentType.mimeType == "text/html" && !$0.isAttachment }) {
                    append(html, into: &pieces, result: &result)
                } else if let nested = candidates.last(where: { $0.contentType.type == "multipart" }) {
                    collectText(nested, into: &pieces, result: &result, skipping: skipping)
                } else if let any = candidates.first(where: { $0.contentType.type == "text" }) {
                    append(any, into: &pieces, result: &result)
                }
                return
            }
            for child in part.children {
                if let skipping, child.body.startIndex == skipping.body.startIndex || child.attachedMessage.first?.body.startIndex == skipping.body.startIndex {
                    continue
                }
                collectText(child, into: &pieces, result: &result, skipping: skipping)
            }
            return
        }
        guard type.type == "text", type.subtype == "plain" || type.subtype == "html", !part.isAttachment,
            part.fileName == nil || type.subtype == "plain" && part.disposition?.value == "inline"
        else { return }
        append(part, into: &pieces, result: &result)
    }

    private func append(_ part: MIMEPart, _ alreadyDecoded: Charsets.Decoded? = nil, into pieces: inout [String], result: inout BodyText) {
        let decoded = alreadyDecoded ?? textOf(part)
        if let guess = decoded.guess { result.guesses.append(guess) }
        result.usedParts.insert(part.body.startIndex)
        if !decoded.text.isBlank { pieces.append(decoded.text) }
    }

    private func textOf(_ part: MIMEPart) -> Charsets.Decoded {
        var decoded = part.text
        if part.contentType.subtype == "html" {
            decoded.text = HTMLText.plainText(decoded.text)
        } else if part.contentType.parameters["format"]?.lowercased() == "flowed" {
            decoded.text = Self.unflow(decoded.text, delsp: part.contentType.parameters["delsp"]?.lowercased() == "yes")
        }
        return decoded
    }

    /// RFC 3676: a line ending in a space continues on the next line.
    package static func unflow(_ text: String, delsp: Bool) -> String {
        var out: [String] = []
        var current = ""
        var continuing = false
        // Lines split at LF in the bytes, a CR before it dropped ("\r\n" is one Character, and
        // Foundation's replacingOccurrences goes through NSString: most of this function's cost).
        for bytes in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = String(Substring(bytes.last == 0x0D ? bytes.dropLast() : bytes))
            if line.hasPrefix(" ") { line.removeFirst() }  // space-stuffing
            let isSignature = line == "-- "
            if !isSignature && line.hasSuffix(" ") {
                if delsp { line.removeLast() }
                current += line
                continuing = true
            } else {
                current += line
                out.append(current)
                current = ""
                continuing = false
            }
        }
        if continuing || !current.isEmpty { out.append(current) }
        return out.joined(separator: "\n")
    }

    /// Every part that is a file: named parts, non-text parts, attached messages (as .eml),
    /// inline images, but not the parts whose text became the body.
    private func attachments(of root: MIMEPart, skipping used: Set<Int>, tooLarge: inout [String]) -> [AttachmentPayload] {
        var files: [AttachmentPayload] = []
        var stack: [MIMEPart] = [root]
        var seen = Set<Int>()
        while let part = stack.popLast() {
            if part.contentType.type == "multipart" {
                stack.append(contentsOf: part.children.reversed())
                continue
            }
            if let inner = part.attachedMessage.first {
                // The forwarded message's own files; the message itself is in the raw.
                stack.append(inner)
                continue
            }
            if used.contains(part.body.startIndex) { continue }
            let type = part.contentType
            let isText = type.type == "text" && (type.subtype == "plain" || type.subtype == "html")
            if isText && part.fileName == nil && !part.isAttachment { continue }
            if type.type == "message" && (type.subtype == "delivery-status" || type.subtype == "disposition-notification") { continue }
            guard seen.insert(part.body.startIndex).inserted else { continue }
            // The range, when there is one, lets the store keep the file as part of the raw message.
            let (data, range) = part.decodedBodyAndRange
            let name = FileNames.sanitised(part.fileName, mediaType: type.mimeType, contentID: part.headers.raw("Content-ID"), index: files.count + 1)
            if data.count > maxAttachmentBytes {
                tooLarge.append("\(name) (\(data.count / (1024 * 1024)) MB)")
                continue
            }
            if data.isEmpty && part.fileName == nil { continue }
            files.append(AttachmentPayload(name: name, mediaType: type.mimeType, data: Data(data), rawRange: range))
        }
        return files
    }

    private func collectDefects(_ part: MIMEPart, into defects: inout [String]) {
        var stack = [part]
        while let next = stack.popLast() {
            defects.append(contentsOf: next.defects)
            stack.append(contentsOf: next.children)
            stack.append(contentsOf: next.attachedMessage)
        }
    }

    // MARK: - People

    /// Labelled phone numbers, tenancy references and postcodes in the text ("Tel: 07700 900123",
    /// "Tenancy ref: T0048213", "Postcode: LS6 2QT"), for the contact when the headers lack them.
    static func readSignature(_ text: String, into contact: inout ContactDetails) {
        guard text.utf8.contains(0x3A) else { return }
        for line in text.utf8.split(separator: 0x0A).suffix(40).map({ Substring($0) }) {
            // Looked for among the bytes: a search by Character breaks every line into
            // grapheme clusters (half of this function's instructions).
            guard let colon = line.utf8.firstIndex(of: 0x3A) else { continue }
            let label = line[..<colon].lowercased().trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            guard !value.isEmpty, label.count <= 20 else { continue }
            switch label {
            case "tel", "tel.", "telephone", "phone", "mobile", "mob", "mob.", "phone number", "mobile number", "contact number":
                if contact.phone == nil, Identifiers.phone(value).e164 != nil { contact.phone = Identifiers.phone(value) }
            case "tenancy ref", "tenancy reference", "tenancy number", "tenancy no", "tenancy no.", "tenant ref", "tenant reference":
                if contact.tenancyRef == nil, value.count <= 30 { contact.tenancyRef = value }
            case "postcode", "post code":
                if contact.postcode == nil, let postcode = Identifiers.postcode(value) { contact.postcode = postcode }
            default:
                break
            }
        }
    }

    private func contactDetails(_ box: Mailbox?) -> ContactDetails {
        guard let box else { return ContactDetails() }
        var details = ContactDetails()
        if let name = box.name?.normalisedForRecord, !name.isEmpty, !name.contains("@") || box.address.isEmpty {
            details.name = Self.cleanName(name)
        }
        if !box.address.isEmpty { details.email = box.normalisedAddress ?? box.address }
        return details
    }

    /// "Smith, John" stays as written; surrounding quotes and trailing "(via ...)" are removed.
    static func cleanName(_ name: String) -> String {
        func quoteOrSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\"" || scalar == "'" || scalar == " " }
        let n = name.trimming(where: quoteOrSpace)
        // "'Sian Jones' via Tenants Forum" (a list or group sending on someone's behalf), in
        // any case; what is left loses its quotes too.
        guard let via = n.firstIndexIgnoringASCIICase(" via ") else { return n }
        return n[..<via].trimming(where: quoteOrSpace)
    }

    static func isNoReply(_ box: Mailbox) -> Bool {
        let local = String(box.localPart.filter { $0 != "-" && $0 != "_" && $0 != "." })
        return local.contains("noreply") || local.contains("donotreply") || local == "webmaster" || local == "website"
            || local == "forms" || local == "wordpress" || local == "notifications"
    }

    /// A councillor or MP, from the display name and the address (`Cllr Sian Jones`,
    /// `cllr.jones@...`, `... MP`, `@parliament.uk`), read with the roles' own word list.
    static func role(of box: Mailbox) -> Representative.Role? {
        let domain = box.domain ?? ""
        if domain == "parliament.uk" || domain.hasSuffix(".parliament.uk") { return .mp }
        let role = Representative.Role.reading((box.name ?? "") + " " + box.localPart)
        return role == .councillor || role == .mp ? role : nil
    }

    static func describe(_ box: Mailbox) -> String {
        if let name = box.name, !name.isEmpty { return "\(name) <\(box.address)>" }
        return box.address
    }

    static func preview(_ bytes: [UInt8]) -> String {
        let head = bytes.prefix(40).map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : "." }
        return "\"" + String(head) + (bytes.count > 40 ? "…" : "") + "\""
    }
}

extension String {
    var isBlank: Bool {
        utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } || (utf8.contains { $0 >= 0x80 } && allSatisfy(\.isWhitespace))
    }
}

/// Builds the raw submission for one message as it arrived, with its Message-ID as the
/// sender-assigned identifier (the store keys on it together with the SHA-256).
public enum EmailSubmission {
    public static func make(
        _ bytes: Data,
        source: String,
        receivedAt: Date,
        envelopeSender: String? = nil,
        envelopeRecipient: String? = nil,
        extraMetadata: [String: String] = [:]
    ) -> RawSubmission {
        var metadata = extraMetadata
        if let envelopeSender { metadata["envelope_sender"] = envelopeSender }
        if let envelopeRecipient { metadata["envelope_recipient"] = envelopeRecipient }
        return RawSubmission(
            channel: .email,
            source: source,
            receivedAt: receivedAt,
            bytes: bytes,
            senderAssignedID: messageID(bytes),
            metadata: metadata
        )
    }

    /// A message as a mail server's pipe delivers it, to `ingest email` or through it to the
    /// running server: an mbox From line some pipes put first (Postfix with the F flag,
    /// procmail) is dropped.
    public static func piped(_ bytes: Data, receivedAt: Date, envelopeSender: String?, envelopeRecipient: String?) -> RawSubmission {
        var bytes = bytes
        if bytes.starts(with: Array("From ".utf8)), let newline = bytes.firstIndex(of: 0x0A) {
            bytes = bytes.subdata(in: bytes.index(after: newline)..<bytes.endIndex)
        }
        return make(
            bytes,
            source: "pipe" + (envelopeRecipient.map { ":\($0)" } ?? ""),
            receivedAt: receivedAt,
            envelopeSender: envelopeSender,
            envelopeRecipient: envelopeRecipient
        )
    }

    /// The Message-ID from the header block only (cheap: the body is not read).
    public static func messageID(_ bytes: Data) -> String? {
        let headerEnd = Self.headerBlockEnd(bytes)
        let header = HeaderParser.parse([UInt8](bytes.prefix(headerEnd))[...])
        return MessageIDs.list(header.headers.raw("Message-ID")).first
    }

    private static func headerBlockEnd(_ bytes: Data) -> Int {
        // Up to the first blank line, capped so a message with no body cannot cost much.
        let limit = min(bytes.count, 1 << 20)
        return bytes.withUnsafeBytes { raw -> Int in
            let b = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index < limit {
                if b[index] == 0x0A {
                    if index + 1 < limit && b[index + 1] == 0x0A { return index + 1 }
                    if index + 2 < limit && b[index + 1] == 0x0D && b[index + 2] == 0x0A { return index + 1 }
                }
                index += 1
            }
            return limit
        }
    }
}
