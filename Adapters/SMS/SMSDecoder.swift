public import Foundation
public import LetterboxCore

/// Reads SMS gateway callbacks (one text, or the joined parts of a long one) into feedback drafts.
///
/// The submission's metadata names the gateway (`gateway`) and carries the callback URL's query
/// parameters (`query.kid`, ...). Which profile a gateway uses comes from the config.
///
/// ```swift
/// let decoder = SMSDecoder(gateways: ["kannel": .kannel, "esendex": .esendex])
/// ```
public struct SMSDecoder: SubmissionDecoder {
    public let channel = Channel.sms
    public let gateways: [String: SMSProfile]

    /// The metadata key for the gateway's name.
    public static let gatewayKey = "gateway"
    /// Metadata keys for the callback URL's query parameters: `query.kid`.
    public static let queryPrefix = "query."
    /// Metadata marking a submission that is the joined parts of a long text.
    public static let joinedKey = "sms.joined"

    /// The verdict a held part of a long text is stored under.
    public static let partVerdict = "sms_part"

    /// Flag: a long text whose parts did not all arrive in time; the gaps are marked in the body.
    public static let incompleteText = Flag(rawValue: "incomplete_text")

    public init(gateways: [String: SMSProfile]) {
        self.gateways = gateways
    }

    public func decode(_ submission: RawSubmission) throws -> Decoded {
        guard submission.metadata[Self.joinedKey] != nil else { return try read(submission).decoded }
        let (name, profile) = try gateway(of: submission)
        return try decodeJoined(submission, gateway: name, profile: profile)
    }

    /// Reads one callback: what the gateway said (its message id, whether it is a part) and
    /// what that means for the pipeline. The server uses both, from one parse.
    public func read(_ submission: RawSubmission) throws -> (reading: SMSReading, decoded: Decoded) {
        let (name, profile) = try gateway(of: submission)
        let reading = try profile.read(Array(submission.bytes), query: Self.query(from: submission.metadata))
        switch reading.content {
        case .event(let verdict, let reason):
            return (reading, .ignored(verdict: verdict, reason: reason))
        case .inbound(let inbound):
            if let part = inbound.part {
                return (reading, .held(SubmissionPart(
                    group: "\(name)|\(inbound.from ?? "")|\(part.reference)|\(part.total)",
                    number: part.number,
                    total: part.total,
                    verdict: Self.partVerdict,
                    reason: "Part \(part.number) of \(part.total) of a long text (reference \(part.reference)); it is joined with the other parts into one record when they have all arrived."
                )))
            }
            return (reading, .feedback(try draft(inbound, gateway: name, messageID: reading.messageID)))
        }
    }

    func gateway(of submission: RawSubmission) throws(IntakeError) -> (String, SMSProfile) {
        guard let name = submission.metadata[Self.gatewayKey] else {
            throw IntakeError(.malformed, "The submission does not say which SMS gateway sent it.")
        }
        guard let profile = gateways[name] else {
            throw IntakeError(.malformed, "No SMS gateway named \"\(name)\" is configured (sms.gateways). Add it, then retry this submission.")
        }
        return (name, profile)
    }

    /// The query parameters a transport stored in the metadata.
    public static func query(from metadata: [String: String]) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in metadata where key.hasPrefix(queryPrefix) {
            query[String(key.dropFirst(queryPrefix.count))] = value
        }
        return query
    }

    func draft(_ inbound: InboundText, gateway: String, messageID: String?, missing: [Int] = []) throws(IntakeError) -> FeedbackDraft {
        let body = inbound.text.normalisedForRecord
        guard !body.isEmpty || !missing.isEmpty else {
            throw IntakeError(.empty, "The text message from \(gateway) is empty.")
        }
        var draft = FeedbackDraft(
            channel: .sms,
            contactedAt: inbound.sentAt,
            contactedAtText: inbound.sentAtText,
            body: body,
            statedKind: FeedbackDraft.keywordKind(body)
        )
        if let from = inbound.from {
            let phone = Identifiers.phone(from, international: true)
            draft.contact.phone = phone
            if phone.e164 == nil {
                draft.flag(.invalidPhone, "The gateway gave the sender as \"\(from)\", which is not a phone number Letterbox can read.")
            }
        } else {
            draft.flag(
                .noContactDetails,
                "The gateway did not pass on the sender's number (for Kannel, set send-sender = true on the sms-service), so there is no way to reply."
            )
        }
        if inbound.encodingGuessed {
            draft.flag(.encodingGuessed, "The gateway's text was not valid UTF-8; it was read as Windows-1252.")
        }
        if !missing.isEmpty {
            let list = missing.map(String.init).joined(separator: ", ")
            draft.flag(Self.incompleteText, "Part(s) \(list) of this long text never arrived; the gaps are marked in the text.")
        }
        draft.extraFields.append(ExtraField(name: "Gateway", value: gateway))
        if let to = inbound.to { draft.extraFields.append(ExtraField(name: "Sent to", value: to)) }
        if let messageID { draft.extraFields.append(ExtraField(name: "Gateway message id", value: messageID)) }
        return draft
    }

    // MARK: Long texts

    /// The envelope of a long text's parts, stored as the joined submission's bytes. Each part's
    /// callback body is inside it exactly as it arrived, so the joined record can be decoded
    /// again from its own bytes (a quarantine retry needs nothing else).
    public struct JoinedParts: Codable, Sendable {
        public struct Part: Codable, Sendable {
            public var number: Int
            public var rawSubmissionId: Int64
            public var query: [String: String]
            public var body: Data

            public init(number: Int, rawSubmissionId: Int64, query: [String: String], body: Data) {
                self.number = number
                self.rawSubmissionId = rawSubmissionId
                self.query = query
                self.body = body
            }
        }

        public var gateway: String
        public var total: Int
        public var parts: [Part]

        public init(gateway: String, total: Int, parts: [Part]) {
            self.gateway = gateway
            self.total = total
            self.parts = parts
        }

        public func encoded() -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (try? encoder.encode(self)) ?? Data()
        }
    }

    /// Joins the held parts of a long text into one submission: an envelope holding each
    /// part's callback body exactly as it arrived.
    public func join(_ held: [HeldSubmission], total: Int) throws -> RawSubmission {
        guard let first = held.first else { throw IntakeError(.empty, "A long text with no parts cannot be joined.") }
        let (gateway, _) = try self.gateway(of: first.submission)
        let parts = held.map {
            JoinedParts.Part(number: $0.number, rawSubmissionId: $0.rawSubmissionId, query: Self.query(from: $0.submission.metadata), body: $0.submission.bytes)
        }
        return RawSubmission(
            channel: .sms,
            source: first.submission.source,
            receivedAt: held.map(\.receivedAt).min() ?? first.receivedAt,
            bytes: JoinedParts(gateway: gateway, total: total, parts: parts).encoded(),
            metadata: [
                Self.gatewayKey: gateway,
                Self.joinedKey: "true",
                "sms.parts": parts.map { String($0.rawSubmissionId) }.joined(separator: ","),
            ]
        )
    }

    func decodeJoined(_ submission: RawSubmission, gateway: String, profile: SMSProfile) throws -> Decoded {
        let envelope: JoinedParts
        do {
            envelope = try JSONDecoder().decode(JoinedParts.self, from: submission.bytes)
        } catch {
            throw IntakeError(.malformed, "The joined long text's envelope is unreadable: \(error)")
        }
        var texts: [Int: InboundText] = [:]
        var firstID: String?
        for part in envelope.parts.sorted(by: { $0.number < $1.number }) {
            let reading = try profile.read(Array(part.body), query: part.query)
            guard case .inbound(let inbound) = reading.content else { continue }
            if texts[part.number] == nil { texts[part.number] = inbound }
            if firstID == nil { firstID = reading.messageID }
        }
        guard let first = texts.keys.min().flatMap({ texts[$0] }) else {
            throw IntakeError(.malformed, "The joined long text has no readable parts.")
        }
        var text = ""
        var missing: [Int] = []
        for number in 1...max(envelope.total, 1) {
            if let part = texts[number] {
                text += part.text
            } else {
                missing.append(number)
                text += " [part \(number) of \(envelope.total) did not arrive] "
            }
        }
        var joined = first
        joined.text = text
        joined.part = nil
        joined.encodingGuessed = texts.values.contains { $0.encodingGuessed }
        return .feedback(try draft(joined, gateway: gateway, messageID: firstID, missing: missing))
    }
}
