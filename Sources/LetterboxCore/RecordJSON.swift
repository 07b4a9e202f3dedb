import Foundation

extension FeedbackRecord {
    /// The record's JSON exactly as `Timestamp.jsonEncoder()` writes it (keys in the order of
    /// their UTF-8 bytes, absent optionals left out, dates as ``Timestamp/string(_:)``, slashes
    /// not escaped), written directly rather than through `Codable`. The store's single writer
    /// encodes every record it commits, and Foundation's encoder was a fifth of that commit.
    ///
    /// A test compares the two byte for byte on generated records and on a real import. A field
    /// added to a record type must be added here too; until it is, that test fails.
    public func documentJSON() throws -> String {
        var writer = RecordJSONWriter()
        writer.record(self)
        // JSONEncoder refuses a NaN or an infinity; so does this, by asking it.
        guard writer.encodable else { return String(decoding: try Timestamp.jsonEncoder().encode(self), as: UTF8.self) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Writes the record types' JSON: objects are written key by key, in the sorted order each
/// type's method lists them in.
struct RecordJSONWriter {
    var bytes: [UInt8] = []
    /// False when a value JSONEncoder would refuse (a non-finite number) was met.
    var encodable = true
    /// Whether the object being written has a member already, innermost last.
    private var hasMember: [Bool] = []

    init() {
        bytes.reserveCapacity(4096)
    }

    mutating func record(_ r: FeedbackRecord) {
        open()
        date("acknowledgeBy", r.acknowledgeBy)
        array("attachments", r.attachments) { $0.attachment($1) }
        date("awareAt", r.awareAt)
        string("body", r.body)
        string("caseReference", r.caseReference)
        string("category", r.category)
        string("categoryReason", r.categoryReason)
        string("channel", r.channel.rawValue)
        key("contact"); contact(r.contact)
        integer("contactId", r.contactId)
        date("contactedAt", r.contactedAt)
        string("contactedAtText", r.contactedAtText)
        if let due = r.dueDates { key("dueDates"); dueDates(due) }
        array("extraFields", r.extraFields) { $0.extraField($1) }
        array("flags", r.flags) { $0.flag($1) }
        string("followUpOf", r.followUpOf)
        if let forwardedBy = r.forwardedBy { key("forwardedBy"); contact(forwardedBy) }
        integer("id", r.id)
        string("idempotencyKey", r.idempotencyKey)
        string("kind", r.kind?.rawValue)
        string("kindReason", r.kindReason)
        if let links = r.links { array("links", links) { $0.link($1) } }
        integer("rawSubmissionId", r.rawSubmissionId)
        date("receivedAt", r.receivedAt)
        string("recordedBy", r.recordedBy)
        string("reference", r.reference)
        if let representative = r.representative { key("representative"); self.representative(representative) }
        date("respondBy", r.respondBy)
        string("serviceArea", r.serviceArea)
        string("source", r.source)
        string("statedKind", r.statedKind)
        string("subject", r.subject)
        if let triage = r.triage { key("triage"); self.triage(triage) }
        if let correction = r.triageCorrection { key("triageCorrection"); self.correction(correction) }
        close()
    }

    mutating func attachment(_ a: Attachment) {
        open()
        string("mediaType", a.mediaType)
        string("name", a.name)
        string("sha256", a.sha256)
        integer("size", Int64(a.size))
        close()
    }

    mutating func contact(_ c: ContactDetails) {
        open()
        string("address", c.address)
        string("email", c.email)
        string("name", c.name)
        if let phone = c.phone { key("phone"); self.phone(phone) }
        string("postcode", c.postcode)
        string("tenancyRef", c.tenancyRef)
        close()
    }

    mutating func representative(_ r: Representative) {
        open()
        boolean("consentStated", r.consentStated)
        string("email", r.email)
        string("name", r.name)
        if let phone = r.phone { key("phone"); self.phone(phone) }
        string("relationship", r.relationship)
        string("role", r.role.rawValue)
        close()
    }

    mutating func phone(_ p: PhoneNumber) {
        open()
        string("e164", p.e164)
        string("raw", p.raw)
        close()
    }

    mutating func flag(_ f: FlagEntry) {
        open()
        string("flag", f.flag.rawValue)
        string("reason", f.reason)
        close()
    }

    mutating func extraField(_ f: ExtraField) {
        open()
        string("name", f.name)
        string("value", f.value)
        close()
    }

    mutating func dueDates(_ d: DueDates) {
        open()
        date("acknowledgeBy", d.acknowledgeBy)
        string("basis", d.basis)
        array("hazardClocks", d.hazardClocks) { writer, clock in
            writer.open()
            writer.date("dueBy", clock.dueBy)
            writer.string("kind", clock.kind.rawValue)
            writer.string("reason", clock.reason)
            writer.close()
        }
        date("respondBy", d.respondBy)
        close()
    }

    mutating func triage(_ t: TriageReading) {
        open()
        string("category", t.category)
        string("categoryReason", t.categoryReason)
        number("confidence", t.confidence)
        array("flags", t.flags) { $0.flag($1) }
        string("hazard", t.hazard?.rawValue)
        string("kind", t.kind.rawValue)
        string("kindReason", t.kindReason)
        string("runnerUp", t.runnerUp?.rawValue)
        number("runnerUpConfidence", t.runnerUpConfidence)
        string("serviceArea", t.serviceArea)
        string("serviceAreaReason", t.serviceAreaReason)
        integer("stage", Int64(t.stage))
        close()
    }

    mutating func correction(_ c: TriageCorrection) {
        open()
        date("at", c.at)
        string("by", c.by)
        string("previousCategory", c.previousCategory)
        string("previousKind", c.previousKind)
        string("previousServiceArea", c.previousServiceArea)
        string("reason", c.reason)
        close()
    }

    mutating func link(_ l: RecordLink) {
        open()
        string("kind", l.kind.rawValue)
        string("reason", l.reason)
        string("reference", l.reference)
        number("similarity", l.similarity)
        close()
    }

    // MARK: Members

    mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
    }

    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        hasMember.removeLast()
    }

    mutating func key(_ name: StaticString) {
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")) } else { hasMember[hasMember.count - 1] = true }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        quoted(value)
    }

    mutating func date(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        quoted(Timestamp.string(value))
    }

    mutating func integer(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func boolean(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// As JSONEncoder writes a Double: its shortest description, without a trailing ".0".
    mutating func number(_ name: StaticString, _ value: Double?) {
        guard let value else { return }
        key(name)
        guard value.isFinite else {
            encodable = false
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func array<Element>(_ name: StaticString, _ values: [Element], _ element: (inout RecordJSONWriter, Element) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string as JSONEncoder escapes it: quote, backslash, and control characters
    /// (`\b \t \n \f \r` by name, the rest as `\u00xx`); everything else as it is, in UTF-8.
    mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22: bytes.append(0x22)
                case 0x5C: bytes.append(0x5C)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Small JSON texts the store writes for every submission, written directly.
public enum CompactJSON {
    /// A string map as a JSON object, keys in the order of their UTF-8 bytes, strings escaped as
    /// JSONEncoder escapes them. (JSONSerialization, used before, took 6% of a server's CPU for
    /// a few metadata pairs per request.)
    public static func object(_ map: [String: String]) -> String {
        var writer = RecordJSONWriter()
        writer.bytes.append(UInt8(ascii: "{"))
        for (index, key) in map.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            writer.quoted(key)
            writer.bytes.append(UInt8(ascii: ":"))
            writer.quoted(map[key]!)
        }
        writer.bytes.append(UInt8(ascii: "}"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
