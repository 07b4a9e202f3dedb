public import Foundation
public import LetterboxStore
import LetterboxCore

/// Email to a case system (Dynamics 365 email-to-case, a shared mailbox): one MIME message per
/// event through sendmail (`-t -i`). The Message-ID comes from the event id, so a retry sends
/// the same one and the receiver can drop repeats; a case's later events answer its first.
public struct EmailDestination: Destination {
    public var name: String
    public var to: String
    public var from: String
    public var sendmail: String
    public var attachmentLimit: Int
    var timeout: TimeInterval

    public init(name: String, to: String, from: String, sendmail: String = "/usr/sbin/sendmail", attachmentLimit: Int, timeout: TimeInterval = 60) {
        self.name = name
        self.to = to
        self.from = from
        self.sendmail = sendmail
        self.attachmentLimit = attachmentLimit
        self.timeout = timeout
    }

    var domain: String {
        let after = from.split(separator: "@").last.map(String.init) ?? "letterbox.invalid"
        return after.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }.nonEmpty ?? "letterbox.invalid"
    }

    func messageId(_ eventId: String) -> String { "<\(eventId)@\(domain)>" }

    package func deliver(_ content: OutboxContent, store: any OutboxStore) async -> AttemptResult {
        let delivery = content.delivery
        let id = messageId(delivery.eventId)
        let first: String?
        do {
            first = try store.remoteId(destination: name, caseId: delivery.caseId)
            if first == nil { try store.saveRemoteId(id, destination: name, caseId: delivery.caseId) }
        } catch {
            return .failure("The store could not be read: \(error)")
        }
        let message = Self.message(content, from: from, to: to, messageId: id, inReplyTo: first == id ? nil : first, boundarySeed: delivery.eventId)
        return await run(message)
    }

    /// Runs sendmail with the message on its standard input. Exit 75 (EX_TEMPFAIL) and any other
    /// failure are kept with sendmail's own words; the schedule decides when to try again.
    func run(_ message: Data) async -> AttemptResult {
        let path = sendmail
        let timeout = timeout
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: path)
                process.arguments = ["-t", "-i"]
                let input = Pipe()
                let errors = Pipe()
                process.standardInput = input
                process.standardOutput = errors
                process.standardError = errors
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: .failure("Cannot run \(path) (forward.*.sendmail): \(error.localizedDescription)"))
                    return
                }
                let timer = DispatchSource.makeTimerSource()
                timer.schedule(deadline: .now() + timeout)
                timer.setEventHandler { if process.isRunning { process.terminate() } }
                timer.resume()
                try? input.fileHandleForWriting.write(contentsOf: message)
                try? input.fileHandleForWriting.close()
                let said = errors.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                timer.cancel()
                let status = Int(process.terminationStatus)
                let words = String(decoding: said.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if process.terminationReason == .exit, status == 0 {
                    continuation.resume(returning: AttemptResult(.delivered, status: 0, answer: words.isEmpty ? nil : words))
                } else if process.terminationReason == .uncaughtSignal {
                    continuation.resume(returning: .failure("sendmail was stopped (signal \(status); timeout \(Int(timeout)) s). \(words)", status: nil))
                } else if status == 75 {
                    continuation.resume(returning: .failure("sendmail: temporary failure (exit 75). \(words)", status: status))
                } else {
                    continuation.resume(returning: .failure("sendmail failed (exit \(status)): \(words)", status: status))
                }
            }
        }
    }

    /// The MIME message: a text/plain summary and the original text, then the attachments.
    public static func message(
        _ content: OutboxContent, from: String, to: String, messageId: String, inReplyTo: String?, boundarySeed: String, date: Date = Date()
    ) -> Data {
        let boundary = "=_letterbox_" + boundarySeed
        var out = ""
        func header(_ name: String, _ value: String) { out += "\(name): \(value)\r\n" }
        header("From", from)
        header("To", to)
        header("Subject", encodedHeader(EventText.subject(content)))
        header("Date", rfc5322Date(date))
        header("Message-ID", messageId)
        if let inReplyTo {
            header("In-Reply-To", inReplyTo)
            header("References", inReplyTo)
        }
        header("Auto-Submitted", "auto-generated")
        header("X-Letterbox-Event", "\(content.delivery.type.rawValue) \(content.delivery.eventId)")
        header("X-Letterbox-Case", content.delivery.caseReference)
        header("MIME-Version", "1.0")
        header("Content-Type", "multipart/mixed; boundary=\"\(boundary)\"")
        out += "\r\n"
        out += "--\(boundary)\r\n"
        out += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        out += wrapped(Data(crlf(EventText.body(content)).utf8).base64EncodedString())
        for file in content.files {
            guard let data = file.data else { continue }
            let name = file.attachment.name.replacingOccurrences(of: "\"", with: "'")
            out += "--\(boundary)\r\n"
            out += "Content-Type: \(file.attachment.mediaType); name=\"\(encodedHeader(name))\"\r\n"
            out += "Content-Disposition: attachment; filename=\"\(encodedHeader(name))\"\r\n"
            out += "Content-Transfer-Encoding: base64\r\n\r\n"
            out += wrapped(data.base64EncodedString())
        }
        out += "--\(boundary)--\r\n"
        return Data(out.utf8)
    }

    /// RFC 2047 for anything that is not printable ASCII; line breaks never reach a header.
    static func encodedHeader(_ text: String) -> String {
        let flat = EventText.oneLine(text, max: 900)
        if flat.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return flat }
        // One encoded word per 45 bytes of UTF-8, split on character boundaries.
        var words: [String] = []
        var chunk = ""
        for character in flat {
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append("=?utf-8?b?" + Data(chunk.utf8).base64EncodedString() + "?=")
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append("=?utf-8?b?" + Data(chunk.utf8).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    static func wrapped(_ base64: String) -> String {
        var out = ""
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 76, limitedBy: base64.endIndex) ?? base64.endIndex
            out += base64[index..<end] + "\r\n"
            index = end
        }
        return out
    }

    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
