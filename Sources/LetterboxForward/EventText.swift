import Foundation
public import LetterboxCore
public import LetterboxStore

/// The words a case system shows an officer for one event: the same for Request Tracker's
/// ticket and for email-to-case.
public enum EventText {
    /// `[LB-2026-000123] Complaint: Leak in the bathroom`.
    public static func subject(_ content: OutboxContent) -> String {
        let reference = content.delivery.caseReference
        guard let record = content.record else {
            return "[\(reference)] \(headline(content.delivery.type))"
        }
        let kind = record.kind.map { humanKind($0.rawValue) } ?? "Feedback"
        let topic = record.subject?.trimmingWhitespace().nonEmpty ?? firstWords(record.body, 8)
        var line = "[\(reference)] \(kind): \(topic)"
        if content.delivery.type == .recordLinked, record.reference != reference { line += " (\(record.reference))" }
        return oneLine(line, max: 200)
    }

    static func headline(_ type: OutboxEventType) -> String {
        switch type {
        case .recordCreated: "New case"
        case .recordLinked: "New contact on the case"
        case .triageCorrected: "Triage corrected"
        case .caseClosed: "Case closed"
        case .caseReopened: "Case reopened"
        case .caseJoined: "Case joined into another"
        case .contactMerged: "Contacts merged"
        }
    }

    /// The record's text, then a summary an officer can read.
    public static func body(_ content: OutboxContent) -> String {
        var out = ""
        let details = content.details
        switch content.delivery.type {
        case .recordCreated, .recordLinked:
            guard let record = content.record else { return headline(content.delivery.type) }
            if content.delivery.type == .recordLinked {
                out += "A further contact about case \(content.delivery.caseReference): \(record.reference)"
                if let how = details["how"] as? String { out += " (\(how.replacingOccurrences(of: "_", with: " ")))" }
                out += ".\n\n"
            }
            if let subject = record.subject { out += "Subject: \(subject)\n\n" }
            out += record.body.isEmpty ? "(no text)\n" : record.body + "\n"
            out += "\n-- Letterbox summary --\n" + summary(record, caseReference: content.delivery.caseReference)
            if content.filesOmitted {
                out += "Some attachments were too large to send here; they are kept in Letterbox (letterbox show \(record.reference)).\n"
            }
        case .triageCorrected:
            out += "Triage of \(content.record?.reference ?? "a record") corrected by \(details["by"] as? String ?? "staff"): "
            out += "kind \(details["kind"] as? String ?? "none") (was \(details["previousKind"] as? String ?? "none")), "
            out += "category \(details["category"] as? String ?? "none") (was \(details["previousCategory"] as? String ?? "none")), "
            out += "service area \(details["serviceArea"] as? String ?? "none") (was \(details["previousServiceArea"] as? String ?? "none")).\n"
            out += "Reason: \(details["reason"] as? String ?? "")\n"
            if let record = content.record { out += "\n" + dueLines(record) }
        case .caseClosed, .caseReopened:
            out += "Case \(content.delivery.caseReference) \(content.delivery.type == .caseClosed ? "closed" : "reopened") in Letterbox by \(details["by"] as? String ?? "staff").\n"
            out += "Reason: \(details["reason"] as? String ?? "")\n"
        case .caseJoined:
            out += "\(details["reason"] as? String ?? "Case \(details["joinedCase"] as? String ?? "") joined into \(details["intoCase"] as? String ?? "").")\n"
        case .contactMerged:
            out += "Contact #\(details["mergedContact"].map { "\($0)" } ?? "?") was merged into contact #\(details["keptContact"].map { "\($0)" } ?? "?") by \(details["by"] as? String ?? "Letterbox").\n"
            out += "Reason: \(details["reason"] as? String ?? "")\n"
            if let cases = details["openCases"] as? [String], !cases.isEmpty { out += "Their open cases: \(cases.joined(separator: ", ")).\n" }
        }
        return out
    }

    /// Reference, channel, kind and its reason, flags with reasons, due dates, representative.
    public static func summary(_ record: FeedbackRecord, caseReference: String) -> String {
        var out = "Reference: \(record.reference) (case \(caseReference))\n"
        out += "Channel: \(record.channel.rawValue); received \(Timestamp.string(record.receivedAt))"
        if let contacted = record.contactedAt, contacted != record.receivedAt { out += "; contacted \(Timestamp.string(contacted))" }
        out += "\n"
        let who = [record.contact.name, record.contact.email, record.contact.phone?.e164 ?? record.contact.phone?.raw, record.contact.tenancyRef.map { "tenancy \($0)" }, record.contact.address, record.contact.postcode]
            .compactMap { $0 }
        out += "From: \(who.isEmpty ? "not given" : who.joined(separator: ", "))\n"
        if let rep = record.representative {
            out += "Representative: \([rep.name, rep.role.rawValue, rep.relationship, rep.email].compactMap { $0 }.joined(separator: ", ")); "
            out += rep.consentStated ? "consent stated\n" : "consent NOT stated: check before sharing details\n"
        }
        if let kind = record.kind {
            out += "Kind: \(humanKind(kind.rawValue))"
            if let reason = record.kindReason { out += " (\(reason))" }
            out += "\n"
        }
        if let category = record.category { out += "Category: \(category)\n" }
        if let area = record.serviceArea { out += "Service area: \(area)\n" }
        out += dueLines(record)
        if !record.flags.isEmpty {
            out += "Flags:\n"
            for entry in record.flags { out += "  - \(entry.flag.rawValue): \(entry.reason)\n" }
        }
        if !record.attachments.isEmpty {
            out += "Attachments: " + record.attachments.map { "\($0.name) (\($0.mediaType), \($0.size) bytes)" }.joined(separator: "; ") + "\n"
        }
        return out
    }

    static func dueLines(_ record: FeedbackRecord) -> String {
        var out = ""
        if let date = record.acknowledgeBy { out += "Acknowledge by: \(Timestamp.string(date))\n" }
        if let date = record.respondBy { out += "Respond by: \(Timestamp.string(date))\n" }
        for clock in record.dueDates?.hazardClocks ?? [] {
            out += "Hazard clock (\(clock.kind.rawValue)): by \(Timestamp.string(clock.dueBy)): \(clock.reason)\n"
        }
        if let basis = record.dueDates?.basis { out += "Basis: \(basis)\n" }
        return out
    }

    static func humanKind(_ kind: String) -> String {
        if kind == "asb_report" { return "ASB report" }
        let words = kind.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    static func firstWords(_ text: String, _ count: Int) -> String {
        let words = text.split(whereSeparator: \.isWhitespace).prefix(count)
        return words.isEmpty ? "(no text)" : words.joined(separator: " ") + (words.count == count ? "…" : "")
    }

    /// One line of at most `max` characters: no line breaks (a header must not be split by what a customer typed).
    static func oneLine(_ text: String, max: Int) -> String {
        let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        return flat.count <= max ? flat : String(flat.prefix(max - 1)) + "…"
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
