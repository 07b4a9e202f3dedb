public import Foundation
public import LetterboxCore
import LetterboxXML

/// How one SMS gateway's callbacks are read: Kannel's `post-xml`, Esendex push notifications,
/// or a `generic` XML layout described by XPath expressions in the config.
public enum SMSProfile: Sendable, Hashable {
    case kannel
    case esendex
    case generic(GenericSMSProfile)

    public var name: String {
        switch self {
        case .kannel: "kannel"
        case .esendex: "esendex"
        case .generic: "generic"
        }
    }

    /// Limits for every callback body: a text is at most a few KB even when joined.
    static let xmlLimits = XMLDocument.Limits(maxBytes: maxBodyBytes, maxDepth: 32)
    /// The largest callback body read: a text is at most a few KB, even when joined.
    public static let maxBodyBytes = 256 * 1024

    /// Reads one callback body. `query` holds the callback URL's query parameters (Kannel's
    /// `kid`). Throws for a body that is not this gateway's XML.
    public func read(_ body: [UInt8], query: [String: String] = [:]) throws(IntakeError) -> SMSReading {
        let document: XMLDocument
        do {
            document = try XMLDocument(body, limits: Self.xmlLimits, namespaces: namespaces)
        } catch {
            throw IntakeError(.malformed, "The \(name) callback is not readable XML: \(error.description)")
        }
        do {
            switch self {
            case .kannel: return try Kannel.read(document, query: query)
            case .esendex: return try Esendex.read(document)
            case .generic(let profile): return try profile.read(document)
            }
        } catch let error as IntakeError {
            throw error
        } catch {
            throw IntakeError(.malformed, "The \(name) callback could not be read: \(error)")
        }
    }

    private var namespaces: [String: String] {
        if case .generic(let profile) = self { return profile.namespaces }
        return [:]
    }
}

/// What one callback said: an inbound text, or an event that is not feedback.
public struct SMSReading: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case inbound(InboundText)
        /// A delivery report, a failure, an opt-out: recorded as `ignored` with this verdict.
        case event(verdict: String, reason: String)
    }

    /// The gateway's own id for the message (or the notification), the key for its retries.
    public var messageID: String?
    public var content: Content

    public init(messageID: String?, content: Content) {
        self.messageID = messageID
        self.content = content
    }
}

/// An inbound text as the gateway gave it.
public struct InboundText: Sendable, Hashable {
    /// The handset's number, as the gateway wrote it.
    public var from: String?
    /// The landlord's number or short code.
    public var to: String?
    public var text: String
    public var sentAt: Date?
    public var sentAtText: String?
    /// Set when this is one part of a long text that the gateway did not join.
    public var part: Part?
    /// The gateway sent bytes that were not in the encoding it stated; read by a best guess.
    public var encodingGuessed: Bool

    public struct Part: Sendable, Hashable {
        /// The concatenation reference the handset chose (8 or 16 bits).
        public var reference: Int
        public var total: Int
        public var number: Int

        public init(reference: Int, total: Int, number: Int) {
            self.reference = reference
            self.total = total
            self.number = number
        }
    }

    public init(
        from: String?,
        to: String?,
        text: String,
        sentAt: Date? = nil,
        sentAtText: String? = nil,
        part: Part? = nil,
        encodingGuessed: Bool = false
    ) {
        self.from = from
        self.to = to
        self.text = text
        self.sentAt = sentAt
        self.sentAtText = sentAtText
        self.part = part
        self.encodingGuessed = encodingGuessed
    }
}

/// A gateway's XML layout described in the config, so a landlord can add a gateway without code.
///
/// Each field is an XPath 1.0 expression evaluated against the callback body. `inboundWhen`
/// (optional) tells inbound texts from other notifications: a callback it does not match is
/// recorded as `ignored` with the verdict `gateway_event`.
public struct GenericSMSProfile: Sendable, Hashable {
    public var messageID: String?
    public var from: String
    public var to: String?
    public var text: String
    public var time: String?
    public var inboundWhen: String?
    public var namespaces: [String: String]

    public init(
        messageID: String?,
        from: String,
        to: String?,
        text: String,
        time: String?,
        inboundWhen: String? = nil,
        namespaces: [String: String] = [:]
    ) {
        self.messageID = messageID
        self.from = from
        self.to = to
        self.text = text
        self.time = time
        self.inboundWhen = inboundWhen
        self.namespaces = namespaces
    }

    func read(_ document: XMLDocument) throws -> SMSReading {
        let id = try messageID.flatMap { try document.string($0) }.flatMap(nonEmpty)
        if let inboundWhen, try document.strings(inboundWhen).isEmpty {
            return SMSReading(
                messageID: id,
                content: .event(
                    verdict: "gateway_event",
                    reason: "The gateway's callback is not an inbound text (it does not match \(inboundWhen))."
                )
            )
        }
        guard let text = try document.string(self.text) else {
            throw IntakeError(.malformed, "The callback has no text at \(self.text).")
        }
        let timeText = try time.flatMap { try document.string($0) }.flatMap(nonEmpty)
        return SMSReading(
            messageID: id,
            content: .inbound(
                InboundText(
                    from: try document.string(from).flatMap(nonEmpty),
                    to: try to.flatMap { try document.string($0) }.flatMap(nonEmpty),
                    text: text,
                    sentAt: timeText.flatMap { UKDateReader().date(from: $0) },
                    sentAtText: timeText
                )
            )
        )
    }
}

func nonEmpty(_ text: String) -> String? {
    let trimmed = text.trimmingWhitespace()
    return trimmed.isEmpty ? nil : trimmed
}

/// Kannel's `post-xml` (checked against kannel 1.4.5's own output, not its user guide).
enum Kannel {
    static func read(_ document: XMLDocument, query: [String: String]) throws -> SMSReading {
        guard document.rootName == "message" else {
            throw IntakeError(.malformed, "This is not a Kannel post-xml message: its root element is <\(document.rootName ?? "?")>, not <message>.")
        }
        guard let ud = document.text(at: ["message", "submit", "ud"]) else {
            throw IntakeError(.malformed, "The Kannel message has no <ud> (the text).")
        }
        let coding = document.text(at: ["message", "submit", "dcs", "coding"]).flatMap(nonEmpty) ?? "0"
        let bytes = TextDecoding.formURLDecode(ud.trimmingWhitespace().utf8)
        var guessed = false
        let text: String
        switch coding {
        case "2":
            text = utf16BE(bytes)
        default:
            if let utf8 = bytes.withUnsafeBufferPointer({ TextDecoding.utf8($0) }) {
                text = utf8
            } else {
                text = bytes.withUnsafeBufferPointer { TextDecoding.windows1252($0, strict: false) ?? "" }
                guessed = true
            }
        }
        var part: InboundText.Part?
        if let udh = document.text(at: ["message", "submit", "udh"]).flatMap(nonEmpty) {
            part = concatenation(TextDecoding.formURLDecode(udh.utf8))
        }
        let sentAt = time(document)
        return SMSReading(
            messageID: query["kid"].flatMap(nonEmpty),
            content: .inbound(
                InboundText(
                    from: document.text(at: ["message", "submit", "oa", "number"]).flatMap(nonEmpty),
                    to: document.text(at: ["message", "submit", "da", "number"]).flatMap(nonEmpty),
                    text: text,
                    sentAt: sentAt,
                    sentAtText: sentAt.map { Timestamp.string($0) },
                    part: part,
                    encodingGuessed: guessed
                )
            )
        )
    }

    /// `<at>` split into fields, in UTC (`<timezone>0</timezone>`).
    /// Made once: building a calendar costs more than reading the rest of the callback.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func time(_ document: XMLDocument) -> Date? {
        var parts = DateComponents()
        func field(_ name: String) -> Int? {
            document.text(at: ["message", "submit", "at", name]).flatMap(nonEmpty).flatMap { Int($0) }
        }
        guard let year = field("year"), let month = field("month"), let day = field("day") else { return nil }
        parts.year = year
        parts.month = month
        parts.day = day
        parts.hour = field("hour") ?? 0
        parts.minute = field("minute") ?? 0
        parts.second = field("second") ?? 0
        let offsetMinutes = field("timezone") ?? 0
        guard let date = utc.date(from: parts), utc.component(.month, from: date) == month else { return nil }
        return date.addingTimeInterval(TimeInterval(-offsetMinutes * 60))
    }

    /// A user data header's concatenation element: IEI 0x00 (8-bit reference) or 0x08 (16-bit).
    static func concatenation(_ udh: [UInt8]) -> InboundText.Part? {
        guard let length = udh.first, udh.count >= Int(length) + 1 else { return nil }
        var index = 1
        let end = Int(length) + 1
        while index + 1 < end {
            let iei = udh[index]
            let size = Int(udh[index + 1])
            let start = index + 2
            guard start + size <= end else { return nil }
            let data = udh[start..<start + size]
            if iei == 0x00, size == 3 {
                let values = Array(data)
                return validPart(reference: Int(values[0]), total: Int(values[1]), number: Int(values[2]))
            }
            if iei == 0x08, size == 4 {
                let values = Array(data)
                return validPart(reference: Int(values[0]) << 8 | Int(values[1]), total: Int(values[2]), number: Int(values[3]))
            }
            index = start + size
        }
        return nil
    }

    static func validPart(reference: Int, total: Int, number: Int) -> InboundText.Part? {
        guard total > 1, number >= 1, number <= total else { return nil }
        return InboundText.Part(reference: reference, total: total, number: number)
    }
}

/// Esendex push notifications (`InboundMessage`, `MessageDelivered`, `MessageFailed`, `OptOut`),
/// with or without a namespace.
enum Esendex {
    static func read(_ document: XMLDocument) throws -> SMSReading {
        let root = document.rootName ?? ""
        func field(_ path: String) throws -> String? {
            let steps = path.split(separator: "/").map { "*[local-name()='\($0)']" }.joined(separator: "/")
            return try document.string("/*/" + steps).flatMap(nonEmpty)
        }
        switch root {
        case "InboundMessage":
            guard let text = try document.string("/*/*[local-name()='MessageText']") else {
                throw IntakeError(.malformed, "The Esendex InboundMessage has no MessageText.")
            }
            return SMSReading(
                messageID: try field("MessageId") ?? field("Id"),
                content: .inbound(InboundText(from: try field("From"), to: try field("To"), text: text))
            )
        case "MessageDelivered", "MessageFailed":
            let delivered = root == "MessageDelivered"
            let which = "(message \(try field("MessageId") ?? "unknown"), \(try field("OccurredAt") ?? "time not given"))"
            return SMSReading(
                messageID: try field("Id"),
                content: .event(
                    verdict: delivered ? "delivery_report" : "delivery_failed",
                    reason: delivered
                        ? "Esendex reports that a text the landlord sent was delivered \(which). Not feedback."
                        : "Esendex reports that a text the landlord sent could not be delivered \(which). Not feedback; check the contact's number."
                )
            )
        case "OptOut":
            let number = try field("From/PhoneNumber")
            let at = try field("ReceviedAt") ?? field("ReceivedAt")
            return SMSReading(
                messageID: try field("Id"),
                content: .event(
                    verdict: "opt_out",
                    reason: "The number \(number.map { Identifiers.phone($0, international: true).e164 ?? $0 } ?? "(not given)") asked Esendex to stop texts from the landlord (\(at ?? "time not given")). Not feedback; do not text this number."
                )
            )
        default:
            throw IntakeError(.malformed, "This is not an Esendex push notification: its root element is <\(root)>.")
        }
    }
}

/// UTF-16BE bytes to text; an odd final byte or an unpaired surrogate becomes U+FFFD.
func utf16BE(_ bytes: [UInt8]) -> String {
    var units: [UInt16] = []
    units.reserveCapacity(bytes.count / 2 + 1)
    var index = 0
    while index + 1 < bytes.count {
        units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        index += 2
    }
    if index < bytes.count { units.append(0xFFFD) }
    return String(decoding: units, as: UTF16.self)
}
