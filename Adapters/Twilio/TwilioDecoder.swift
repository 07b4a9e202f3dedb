public import LetterboxCore

/// Reads a stored Twilio webhook (the urlencoded body exactly as it arrived) into a draft.
/// Media (MMS pictures) are recorded with their URLs and types; their bytes stay at Twilio.
public struct TwilioDecoder: SubmissionDecoder {
    public let channel = Channel.sms
    public let adapterName = Self.adapter
    /// The adapter's name (``TwilioAdapter/name``).
    public static let adapter = "twilio"

    public init() {}

    /// The metadata key for the gateway's name in `sms.gateways`.
    public static let gatewayKey = "gateway"

    public func decode(_ submission: RawSubmission) throws -> Decoded {
        let request: TwilioRequest
        do { request = try TwilioRequest(body: submission.bytes) } catch {
            throw IntakeError(.malformed, "The Twilio webhook could not be read: \(error)")
        }
        guard let sid = request["MessageSid"] ?? request["SmsSid"], !sid.isEmpty else {
            throw IntakeError(.malformed, "The Twilio webhook has no MessageSid: it is not an inbound message.")
        }
        if let status = request["SmsStatus"] ?? request["MessageStatus"], status != "received" {
            return .ignored(verdict: "sms_status", reason: "A Twilio status callback (\(status)) for message \(sid), not a message from a customer.")
        }
        let body = (request["Body"] ?? "").normalisedForRecord
        let mediaCount = min(Int(request["NumMedia"] ?? "0") ?? 0, 10)
        let media: [(url: String, type: String)] = (0..<mediaCount).compactMap { index in
            guard let url = request["MediaUrl\(index)"], !url.isEmpty else { return nil }
            return (url, request["MediaContentType\(index)"] ?? "application/octet-stream")
        }
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
        for (index, item) in media.enumerated() {
            draft.extraFields.append(ExtraField(name: "Media \(index + 1)", value: "\(item.type) \(item.url)"))
        }
        return .feedback(draft)
    }
}
