public import Foundation

/// The export formats: JSON Lines (one record's JSON per line, the full contract) and CSV
/// (a fixed set of flat columns, for spreadsheets).
///
/// Both are contracts other tools rely on: columns and field names are only ever added.
public enum RecordExport {
    /// The CSV columns, in order.
    public static let csvColumns = [
        "reference", "channel", "source", "received_at", "contacted_at", "contacted_at_text", "contact_id",
        "name", "email", "phone_e164", "phone_raw", "address", "postcode", "tenancy_ref",
        "representative_name", "representative_role", "representative_relationship", "representative_consent_stated",
        "subject", "body", "kind", "stated_kind", "category", "acknowledge_by", "respond_by", "recorded_by",
        "flags", "attachment_count", "raw_submission_id", "idempotency_key",
        "follow_up_of", "forwarded_by_name", "forwarded_by_email", "representative_email",
        "case_reference", "duplicate_of", "repeat_of", "related_to",
        "service_area", "hazard_due", "hazard_kind",
    ]

    public static var csvHeader: String { csvColumns.joined(separator: ",") }

    public static func csvRow(_ record: FeedbackRecord) -> String {
        let rep = record.representative
        func link(_ kind: RecordLink.Kind) -> String? {
            let references = (record.links ?? []).filter { $0.kind == kind }.map(\.reference)
            return references.isEmpty ? nil : references.joined(separator: ";")
        }
        let values: [String?] = [
            record.reference, record.channel.rawValue, record.source, Timestamp.string(record.receivedAt),
            record.contactedAt.map(Timestamp.string), record.contactedAtText, record.contactId.map(String.init),
            record.contact.name, record.contact.email, record.contact.phone?.e164, record.contact.phone?.raw,
            record.contact.address, record.contact.postcode, record.contact.tenancyRef,
            rep?.name, rep?.role.rawValue, rep?.relationship, rep.map { $0.consentStated ? "yes" : "no" },
            record.subject, record.body, record.kind?.rawValue, record.statedKind, record.category,
            record.acknowledgeBy.map(Timestamp.string), record.respondBy.map(Timestamp.string), record.recordedBy,
            record.flags.map(\.flag.rawValue).joined(separator: ";"), String(record.attachments.count),
            String(record.rawSubmissionId), record.idempotencyKey,
            record.followUpOf, record.forwardedBy?.name, record.forwardedBy?.email, rep?.email,
            record.caseReference, link(.duplicateOf), link(.repeatOf), link(.related),
            record.serviceArea, record.dueDates?.hazardClocks.map(\.dueBy).min().map(Timestamp.string),
            record.dueDates?.hazardClocks.min(by: { $0.dueBy < $1.dueBy })?.kind.rawValue,
        ]
        return values.map { csvField($0 ?? "") }.joined(separator: ",")
    }

    /// RFC 4180 quoting, and a leading `'` on cells a spreadsheet would run as a formula
    /// (`=`, `+`, `-`, `@`), so an export opened in Excel cannot execute what a customer typed.
    public static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    public static func jsonLine(_ record: FeedbackRecord, encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(record), as: UTF8.self)
    }
}
