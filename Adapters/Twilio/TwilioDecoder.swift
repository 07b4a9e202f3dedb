public import LetterboxCore

/// Reads a stored Twilio webhook (the urlencoded body exactly as it arrived) into a draft.
/// Media (MMS pictures) are recorded with their URLs and types. When they were fetched
/// (`fetchMedia`), the stored bytes are a ``TwilioMediaBundle`` and the media are attachments.
public struct TwilioDecoder: SubmissionDecoder {
    public let channel = Channel.sms
    public let adapterName = Self.adapter
    /// The adapter's name (``TwilioAdapter/name``).
    public static let adapter = "twilio"

    public init() {}

    /// The metadata key for the gateway's name in `sms.gateways`.
    public static let gatewayKey = "gateway"

    public func decode(_ submission: RawSubmission) throws -> Decoded {
        var bundle: TwilioMediaBundle?
        if TwilioMediaBundle.isBundle(submission.bytes) {
            do { bundle = try TwilioMediaBundle(bytes: submission.bytes) } catch {
                throw IntakeError(.malformed, "The stored Twilio message and its media could not be read: \(error)")
            }
        }
        let request: TwilioRequest
        do { request = try TwilioRequest(body: bundle?.webhook ?? submission.bytes) } catch {
            throw IntakeError(.malformed, "The Twilio webhook could not be read: \(error)")
        }
        guard let sid = request["MessageSid"] ?? request["SmsSid"], !sid.isEmpty else {
            throw IntakeError(.malformed, "The Twilio webhook has no MessageSid: it is not an inbound message.")
        }
        if let status = request["SmsStatus"] ?? request["MessageStatus"], status != "received" {
            return .ignored(verdict: "sms_status", reason: "A Twilio status callback (\(status)) for message \(sid), not a message from a customer.")
        }
        let body = (request["Body"] ?? "").normalisedForRecord
        let media = Self.media(request)
        guard !body.isEmpty || !media.isEmpty else {
            throw IntakeError(.empty, "The text message from Twilio (\(sid)) is empty.")
        }
        var draft = FeedbackDraft(channel: .sms, body: body, statedKind: FeedbackDraft.keywordKind(body))
        if let from = request["From"], !from.isEmpty {
            let phone = Identifiers.phone(from, international: true)
            draft.contact.phone = phone
            if phone.e164 == nil {
                draft.flag(.invalidPhone, "Twilio gave the sender as \"\(from)\", which is not a phone number Letterbox can read.")
            }
        } else {
            draft.flag(.noContactDetails, "Twilio did not pass on the sender's number, so there is no way to reply.")
        }
        let gateway = submission.metadata[Self.gatewayKey] ?? "twilio"
        draft.extraFields.append(ExtraField(name: "Gateway", value: gateway))
        if let to = request["To"], !to.isEmpty { draft.extraFields.append(ExtraField(name: "Sent to", value: to)) }
        draft.extraFields.append(ExtraField(name: "Gateway message id", value: sid))
        if let segments = request["NumSegments"], let count = Int(segments), count > 1 {
            draft.extraFields.append(ExtraField(name: "Segments", value: String(count)))
        }
        for (number, item) in media.enumerated() {
            draft.extraFields.append(ExtraField(name: "Media \(number + 1)", value: "\(item.contentType) \(item.url)"))
            guard let bundle else { continue }
            if let fetched = bundle.items.first(where: { $0.index == item.index }) {
                if let data = fetched.data {
                    draft.attachments.append(AttachmentPayload(name: "media-\(number + 1).\(FileNames.fileExtension(for: fetched.contentType))", mediaType: fetched.contentType, data: data))
                } else {
                    draft.flag(.mediaNotFetched, "Media \(number + 1) (\(item.url)) was not fetched from Twilio: \(fetched.failure ?? "no reason given")")
                }
            }
        }
        return .feedback(draft)
    }

    /// The media a webhook names (`NumMedia`, `MediaUrlN`, `MediaContentTypeN`), ten at most.
    public static func media(_ request: TwilioRequest) -> [(index: Int, url: String, contentType: String)] {
        let count = min(max(Int(request["NumMedia"] ?? "0") ?? 0, 0), 10)
        return (0..<count).compactMap { index in
            guard let url = request["MediaUrl\(index)"], !url.isEmpty else { return nil }
            return (index, url, request["MediaContentType\(index)"] ?? "application/octet-stream")
        }
    }
}

extension Flag {
    /// Media the message links to (a picture message's images) could not be fetched; the link
    /// and the reason are on the record.
    public static let mediaNotFetched = Flag(rawValue: "media_not_fetched")
}
