import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxStore

/// `--since DATE`, shared by the commands that read records.
struct SinceOption: ParsableArguments {
    @Option(help: "Only records received on or after this date (London time, day first: 2026-04-01, 01/04/2026).")
    var since: String?

    /// The date, or nil when the option was not given.
    func date() throws -> Date? {
        guard let since else { return nil }
        guard let date = UKDateReader().date(from: since, relativeTo: Date()) else {
            throw CLIError(.usage, "--since \(since): not a date. Use 2026-04-01 or 01/04/2026 (day first).")
        }
        return date
    }
}

/// A date and time as staff read them: London time, day first.
func londonTime(_ date: Date) -> String {
    londonFormat.format(date)
}

private let londonFormat = Date.VerbatimFormatStyle(
    format: "\(day: .twoDigits)/\(month: .twoDigits)/\(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
    timeZone: UKDateReader.london,
    calendar: UKDateReader.londonCalendar
)

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List feedback records, oldest first.",
        discussion: """
            Examples:
              letterbox list
              letterbox list --channel phone --since 2026-04-01
              letterbox list --json | jq .reference
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Only this channel: \(ChannelNames.list).")
    var channel: String?

    @OptionGroup var since: SinceOption

    @Option(help: "At most this many records.")
    var limit: Int?

    @Option(help: "Only records with a due date (acknowledge, respond, hazard clock) on or before this day (London), soonest first.")
    var dueBefore: String?

    @ArgumentParser.Flag(help: "Only records with a due date already passed whose case is still open, soonest first.")
    var overdue = false

    @ArgumentParser.Flag(help: "One JSON record per line instead of a table.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let sinceDate = try since.date()
            let store = try settings.openExistingStore()
            let encoder = Timestamp.jsonEncoder()
            // Options are checked before the header, so a mistake prints only the error.
            let channelFilter = try channel.map { try ChannelNames.channel($0, option: "--channel") }
            var count = 0
            var due: RecordsDue?
            if overdue || dueBefore != nil {
                var limitDate = Date()
                if let dueBefore {
                    guard let day = UKDateReader().date(from: dueBefore, relativeTo: Date()) else {
                        throw CLIError(.usage, "--due-before \(dueBefore): not a date. Use 2026-04-01 or 01/04/2026 (day first).")
                    }
                    let calculator = settings.timescales
                    limitDate = calculator.endOfDay(calculator.londonDay(day).day)
                    if overdue { limitDate = min(limitDate, Date()) }
                }
                due = RecordsDue(before: limitDate, openCasesOnly: overdue)
            }
            if !json {
                print(row(["REFERENCE", "CONTACTED", "CHANNEL", "FROM", "SUBJECT", "KIND", "DUE", "FLAGS"]))
            }
            try store.forEachRecord(channel: channelFilter, since: sinceDate, limit: limit, due: due) { record in
                count += 1
                if json {
                    print(try RecordExport.jsonLine(record, encoder: encoder))
                } else {
                    let from = record.representative.map { "\($0.name ?? "?") for \(record.contact.name ?? "?")" }
                        ?? record.contact.name ?? record.contact.email ?? record.contact.phone.map { $0.e164 ?? $0.raw } ?? "(unknown)"
                    print(row([
                        // When the customer made contact (a phone note's call time), which due dates count from.
                        record.reference, londonTime(record.contactedAt ?? record.receivedAt), record.channel.rawValue, from,
                        record.subject ?? String(record.body.prefix(40)).replacingOccurrences(of: "\n", with: " "),
                        record.kind?.rawValue ?? "", record.dueDates?.next.map(londonTime) ?? "",
                        record.flags.map(\.flag.rawValue).joined(separator: ","),
                    ]))
                }
            }
            if !json { writeToStandardError("\(count) record(s)\n") }
        }
    }

    private func row(_ cells: [String]) -> String {
        let widths = [16, 17, 9, 24, 34, 20, 17]
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index < widths.count {
                let width = widths[index]
                let text = cell.count > width - 1 ? String(cell.prefix(width - 2)) + "…" : cell
                line += text.padding(toLength: width, withPad: " ", startingAt: 0)
            } else {
                line += cell
            }
        }
        return line
    }
}

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one record in full: contact, flags, text, audit trail.",
        discussion: """
            Examples:
              letterbox show LB-2026-000001
              letterbox show LB-2026-000001 --json
              letterbox show LB-2026-000001 --raw > original.txt
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The record's reference, e.g. LB-2026-000001.")
    var reference: String

    @ArgumentParser.Flag(help: "Print the record as JSON (the export contract).")
    var json = false

    @ArgumentParser.Flag(help: "Print the exact bytes that arrived, unchanged.")
    var raw = false

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            guard let record = try store.record(reference: reference) else {
                throw CLIError(.noInput, "There is no record \(reference) in \(settings.storePath).")
            }
            if raw {
                guard let submission = try store.rawSubmission(id: record.rawSubmissionId),
                    let bytes = try store.blob(sha256: submission.sha256)
                else { throw CLIError(.ioError, "The raw submission of \(reference) is missing from the store.") }
                FileHandle.standardOutput.write(bytes)
                return
            }
            if json {
                print(String(decoding: try Timestamp.jsonEncoder(pretty: true).encode(record), as: UTF8.self))
                return
            }
            let links = try store.links(reference: record.reference)
            let caseRecords = try links.caseReference.map { try store.caseRecords(caseReference: $0) } ?? []
            print(RecordText.describe(
                record, audit: try store.auditTrail(recordId: record.id),
                links: RecordText.Links(caseReference: links.caseReference, caseStatus: links.caseStatus, caseRecords: caseRecords, links: links.links)
            ))
        }
    }
}

/// The human-readable form of a record, for `letterbox show`.
enum RecordText {
    static func linkPhrase(_ kind: RecordLink.Kind) -> String {
        switch kind {
        case .duplicateOf: return "Duplicate of"
        case .repeatOf: return "Repeat of case"
        case .related: return "Related to"
        case .sameMatterAs: return "Same matter as closed case"
        case .followUpOf: return "Follow-up of"
        default: return kind.rawValue
        }
    }

    static func reversePhrase(_ kind: RecordLink.Kind) -> String {
        switch kind {
        case .duplicateOf: return "is a duplicate of"
        case .repeatOf: return "repeats the case opened by"
        case .related: return "is related to"
        case .sameMatterAs: return "raises again the closed case opened by"
        case .followUpOf: return "follows up"
        default: return "is linked (\(kind.rawValue)) to"
        }
    }

    struct Links {
        var caseReference: String?
        var caseStatus: String?
        var caseRecords: [String]
        var links: [LinkView]
    }

    static func describe(_ record: FeedbackRecord, audit: [AuditEntry], links: Links? = nil) -> String {
        var lines: [String] = []
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            let width = max(16, label.count + 2)
            // Continuation lines of a multi-line value line up under its first line.
            let indented = value.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width))
            lines.append(label.padding(toLength: width, withPad: " ", startingAt: 0) + indented)
        }
        add("Reference", record.reference)
        add("Channel", record.channel.rawValue)
        add("Source", record.source)
        add("Received", londonTime(record.receivedAt) + " (London)")
        add("Contacted", record.contactedAt.map { londonTime($0) + " (London)" } ?? record.contactedAtText.map { "\"\($0)\" (not read)" })
        if let kind = record.kind {
            add("Kind", kind.rawValue.replacingOccurrences(of: "_", with: " ") + (record.kindReason.map { ": \($0)" } ?? ""))
            if let stated = record.statedKind { add("  customer chose", stated) }
            if let triage = record.triage, let correction = record.triageCorrection {
                add("  corrected", "by \(correction.by) on \(londonTime(correction.at)); Letterbox read it as \(triage.kind.rawValue): \(triage.kindReason)")
            }
        } else {
            add("Kind", record.statedKind.map { "\($0) (as stated)" })
        }
        add("Category", record.category.map { $0.replacingOccurrences(of: "_", with: " ") + (record.categoryReason.map { ": \($0)" } ?? "") })
        add("Service area", record.serviceArea.map { $0.replacingOccurrences(of: "_", with: " ") })
        add("Acknowledge by", record.acknowledgeBy.map { londonTime($0) + " (London)" })
        add("Respond by", record.respondBy.map { londonTime($0) + " (London)" })
        for clock in record.dueDates?.hazardClocks ?? [] {
            add(clock.kind == .emergency ? "Make safe by" : "Investigate by", londonTime(clock.dueBy) + " (London): " + clock.reason)
        }
        add("Timescale", record.dueDates?.basis)
        add("Contact", record.contactId.map { "#\($0) (letterbox contacts show \($0))" })
        add("Name", record.contact.name)
        add("Email", record.contact.email)
        add("Phone", record.contact.phone.map { $0.e164 ?? "\($0.raw) (not a readable number)" })
        add("Address", record.contact.address)
        add("Postcode", record.contact.postcode)
        add("Tenancy ref", record.contact.tenancyRef)
        if let rep = record.representative {
            let consent = rep.consentStated ? "consent stated" : "consent NOT stated"
            add("Representative", "\(rep.name ?? "(no name)"), \(rep.relationship ?? rep.role.rawValue) [\(rep.role.rawValue)], \(consent)")
            add("  their phone", rep.phone.map { $0.e164 ?? $0.raw })
            add("  their email", rep.email)
        }
        if let forwarder = record.forwardedBy {
            add("Forwarded by", [forwarder.name, forwarder.email.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " "))
        }
        add("Follow-up of", record.followUpOf)
        if let links, let caseReference = links.caseReference {
            let others = links.caseRecords.filter { $0 != record.reference }
            var text = "\(caseReference) (\(links.caseStatus ?? "open"))"
            if caseReference == record.reference { text += ", opened by this record" }
            if !others.isEmpty { text += "; \(links.caseRecords.count) records: \(links.caseRecords.joined(separator: ", "))" }
            add("Case", text)
        }
        add("Recorded by", record.recordedBy)
        add("Subject", record.subject)
        for field in record.extraFields { add(field.name, field.value) }
        if let links, !links.links.isEmpty {
            lines.append("")
            lines.append("Links:")
            for link in links.links {
                if link.outgoing {
                    lines.append("  \(linkPhrase(link.kind)) \(link.otherReference): \(link.reason)")
                } else {
                    lines.append("  \(link.otherReference) \(reversePhrase(link.kind)) this record: \(link.reason)")
                }
            }
        }
        if !record.flags.isEmpty {
            lines.append("")
            lines.append("Flags:")
            for entry in record.flags { lines.append("  \(entry.flag.rawValue): \(entry.reason)") }
        }
        if !record.attachments.isEmpty {
            lines.append("")
            lines.append("Attachments:")
            for a in record.attachments { lines.append("  \(a.name) (\(a.mediaType), \(a.size) bytes, sha256 \(a.sha256.prefix(12))…)") }
        }
        lines.append("")
        lines.append(record.body)
        lines.append("")
        lines.append("History:")
        for entry in audit {
            lines.append("  \(londonTime(entry.at))  \(entry.action)  submission #\(entry.rawSubmissionId.map(String.init) ?? "-")  \(entry.reason ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}
