/// Mail written by a machine, not a person: stored as `ignored` with the verdict as the reason.
public struct MachineVerdict: Sendable, Hashable {
    /// `bounce_permanent`, `bounce_transient`, `delivery_report`, `auto_reply`, `out_of_office`,
    /// `mailing_list`, `bulk`, `feedback_report`.
    public var verdict: String
    /// Plain English, naming the evidence (for a delivery report, the original Message-ID).
    public var reason: String
}

/// Recognises delivery status notifications (RFC 3464), auto-replies (RFC 3834 and the
/// headers real autoresponders use), out-of-office subjects and mailing-list traffic.
///
/// `Auto-Submitted: no` means a person sent it, as RFC 3834 says (FreeScout gets this wrong).
/// Subject patterns are anchored, so "Out of office hours repair not done" is a complaint,
/// not an out-of-office reply.
public enum MachineMail {
    public static func classify(_ message: MIMEPart) -> MachineVerdict? {
        let headers = message.headers
        if let report = deliveryReport(message) { return report }
        let subject = headers.text("Subject") ?? ""
        let ooo = isOutOfOfficeSubject(subject)
        let kind = ooo ? "out_of_office" : "auto_reply"
        if let auto = headers.raw("Auto-Submitted")?.collapsingWhitespace.lowercased(), !auto.isEmpty, !auto.hasPrefix("no") {
            return MachineVerdict(verdict: kind, reason: "Automatic reply: Auto-Submitted: \(auto) (RFC 3834).")
        }
        for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response-Suppress"] {
            if let value = headers.raw(name) {
                let text = value.collapsingWhitespace
                if name == "X-Autoreply" && text.lowercased() == "no" { continue }
                return MachineVerdict(verdict: kind, reason: "Automatic reply: the \(name): \(text.prefix(60)) header is set.")
            }
        }
        if let precedence = headers.raw("Precedence")?.collapsingWhitespace.lowercased(),
            ["bulk", "junk", "list", "auto_reply"].contains(precedence)
        {
            let verdict = precedence == "list" ? "mailing_list" : (ooo ? "out_of_office" : (precedence == "auto_reply" ? "auto_reply" : "bulk"))
            return MachineVerdict(verdict: verdict, reason: "Bulk or automatic mail: Precedence: \(precedence).")
        }
        if let list = headers.raw("List-Id") {
            return MachineVerdict(verdict: "mailing_list", reason: "Mailing-list traffic: List-Id: \(list.collapsingWhitespace.prefix(100)).")
        }
        if let returnPath = headers.raw("Return-Path"), returnPath.filter({ !$0.isWhitespace }) == "<>" {
            let verdict = ooo ? "out_of_office" : (isBounceSender(headers) ? "bounce_permanent" : "auto_reply")
            return MachineVerdict(verdict: verdict, reason: "Machine-generated: the Return-Path is empty (<>), so no reply is wanted.")
        }
        if isBounceSender(headers), isBounceSubject(subject) {
            return MachineVerdict(verdict: "bounce_permanent", reason: "A delivery failure notice from a mail server (\(subject.prefix(80))).")
        }
        if ooo {
            return MachineVerdict(verdict: "out_of_office", reason: "Out-of-office reply: the subject is \"\(subject.prefix(100))\".")
        }
        return nil
    }

    static func isBounceSender(_ headers: MIMEHeaders) -> Bool {
        // Nearly all mail is from people: the address is read only when it could be one of these.
        guard let raw = headers.raw("From"), raw.containsIgnoringASCIICase("daemon") || raw.containsIgnoringASCIICase("postmaster") else {
            return false
        }
        let from = Mailbox.first(raw)?.localPart ?? ""
        return from == "mailer-daemon" || from == "postmaster" || from == "mail-daemon"
    }

    static func isBounceSubject(_ subject: String) -> Bool {
        let s = subject.lowercased()
        return s.contains("undeliver") || s.contains("delivery status notification") || s.contains("returned mail")
            || s.contains("delivery failure") || s.contains("failure notice") || s.contains("mail delivery failed")
            || s.contains("delivery has failed")
    }

    static let oooPrefixes = [
        "automatic reply:", "auto reply:", "auto-reply:", "autoreply:", "auto:", "out of office:", "out of the office:",
        "out of office reply", "out of office autoreply", "out of office auto-reply", "abwesenheitsnotiz", "réponse automatique",
        "respuesta automática", "risposta automatica", "automatisch antwoord", "[auto-reply]", "[autoreply]", "away:",
    ]
    static let oooWholeSubjects = ["out of office", "out of the office", "auto reply", "autoreply", "on holiday", "on leave", "away from the office", "i am out of the office"]

    static func isOutOfOfficeSubject(_ subject: String) -> Bool {
        var s = subject.lowercased().collapsingWhitespace
        // "RE: Automatic reply: ..." is still one.
        while s.hasPrefix("re:") || s.hasPrefix("aw:") { s = String(s.dropFirst(3)).collapsingWhitespace }
        return oooPrefixes.contains { s.hasPrefix($0) } || oooWholeSubjects.contains(s)
    }

    /// RFC 3464: multipart/report; report-type=delivery-status, or any message/delivery-status part.
    static func deliveryReport(_ message: MIMEPart) -> MachineVerdict? {
        var statusPart: MIMEPart?
        var originalID: String?
        var isReport = false
        var feedbackReport = false
        message.walk { part in
            let type = part.contentType
            if type.mimeType == "multipart/report" {
                let reportType = type.parameters["report-type"]?.lowercased() ?? ""
                if reportType == "delivery-status" || reportType == "disposition-notification" { isReport = true }
                if reportType == "feedback-report" { feedbackReport = true }
            }
            if type.mimeType == "message/delivery-status" || type.mimeType == "message/global-delivery-status" {
                statusPart = statusPart ?? part
                isReport = true
            }
            if type.mimeType == "message/feedback-report" { feedbackReport = true }
            if type.mimeType == "message/disposition-notification" { isReport = true }
            if originalID == nil {
                if let inner = part.attachedMessage.first {
                    originalID = MessageIDs.list(inner.headers.raw("Message-ID")).first
                } else if type.mimeType == "text/rfc822-headers" {
                    let headers = HeaderParser.parse(part.decodedBody[...]).headers
                    originalID = MessageIDs.list(headers.raw("Message-ID")).first
                }
            }
        }
        if feedbackReport {
            return MachineVerdict(verdict: "feedback_report", reason: "An abuse or spam report from a mail provider (ARF feedback report).")
        }
        guard isReport else { return nil }
        var actions: [String] = []
        var statuses: [String] = []
        var recipients: [String] = []
        if let statusPart {
            // The body is blocks of header fields: per message, then per recipient.
            let body = statusPart.decodedBody
            var rest = body[...]
            while !rest.isEmpty {
                let block = HeaderParser.parse(rest)
                if let action = block.headers.raw("Action") { actions.append(action.collapsingWhitespace.lowercased()) }
                if let status = block.headers.raw("Status") {
                    statuses.append(String(status.collapsingWhitespace.prefix { !$0.isWhitespace }))
                }
                if let recipient = block.headers.raw("Final-Recipient") ?? block.headers.raw("Original-Recipient") {
                    let value = recipient.split(separator: ";", maxSplits: 1).last.map(String.init) ?? recipient
                    recipients.append(value.collapsingWhitespace)
                }
                guard block.bodyStart > rest.startIndex, block.bodyStart <= rest.endIndex else { break }
                rest = rest[block.bodyStart...]
            }
        }
        let permanent = statuses.contains { $0.hasPrefix("5") } || actions.contains("failed")
        let transient = statuses.contains { $0.hasPrefix("4") } || actions.contains("delayed")
        let verdict = permanent ? "bounce_permanent" : (transient ? "bounce_transient" : "delivery_report")
        var reason: String
        switch verdict {
        case "bounce_permanent": reason = "Delivery failed permanently"
        case "bounce_transient": reason = "Delivery is delayed"
        default: reason = "A delivery or read report"
        }
        if let status = statuses.first { reason += " (status \(status)" + (actions.first.map { ", \($0)" } ?? "") + ")" }
        if !recipients.isEmpty { reason += " for \(recipients.prefix(3).joined(separator: ", "))" }
        reason += originalID.map { "; original message \($0)." } ?? "; the original message is not identified."
        return MachineVerdict(verdict: verdict, reason: reason)
    }
}
