import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxStore

/// The name the audit log records for a person's change: --by, else the login name.
func actorName(_ given: String?) -> String {
    if let given, !given.trimmingWhitespace().isEmpty { return given }
    let environment = ProcessInfo.processInfo.environment
    return environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
}

/// `--reason` and `--by`: what every command that records a person's decision asks for.
struct DecisionOptions: ParsableArguments {
    @Option(help: "Why, in words that can go on the case file (recorded in the audit log).") var reason: String
    @Option(help: "Who decided (default: your login name).") var by: String?

    var actor: String { actorName(by) }
}

struct Contacts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "See, merge and separate contacts (the people records belong to).",
        discussion: """
            Contacts are found by email, phone number and tenancy reference across every
            channel. A name (or a name and postcode) alone never joins two contacts: the
            record is flagged possible_same_contact for a person to check, and merging is
            their decision.

            Examples:
              letterbox contacts show 42
              letterbox contacts merge 42 57 --reason "Same tenant: confirmed by phone" \\
                  --by "J Patel"
              letterbox contacts unmerge 57 --reason "Merged by mistake: mother and \\
                  daughter"
            """,
        subcommands: [ContactsShow.self, ContactsMerge.self, ContactsUnmerge.self]
    )
}

struct ContactsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a contact: identifiers, records, cases, matches and history.",
        discussion: "Example:\n  letterbox contacts show 42"
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The contact's number (shown by `letterbox show REF`).")
    var contact: Int64

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            let summary = try store.contact(id: contact)
            var lines: [String] = []
            lines.append("Contact #\(summary.id)\(summary.name.map { ": \($0)" } ?? "")")
            if let parent = summary.mergedInto {
                lines.append("Merged into contact #\(parent): its records are shown there (letterbox contacts show \(parent)).")
            }
            if !summary.members.isEmpty {
                lines.append("Includes merged contacts: \(summary.members.map { "#\($0)" }.joined(separator: ", "))")
            }
            lines.append("")
            lines.append("Identifiers:")
            for identifier in summary.identifiers {
                let from = identifier.contactId == summary.id ? "" : " (from #\(identifier.contactId))"
                lines.append("  \(identifier.kind.padding(toLength: 8, withPad: " ", startingAt: 0)) \(identifier.value)\(from)")
            }
            if summary.identifiers.isEmpty { lines.append("  none (name or address only)") }
            lines.append("")
            lines.append("Records (\(summary.records.count)):")
            for record in summary.records {
                let inCase = record.caseReference.map { $0 == record.reference ? "opened case" : "case \($0)" } ?? ""
                lines.append("  \(record.reference)  \(londonTime(record.at))  \(record.channel.padding(toLength: 7, withPad: " ", startingAt: 0))  \(inCase)")
            }
            if !summary.cases.isEmpty {
                lines.append("")
                lines.append("Cases: " + summary.cases.map { "\($0.reference) (\($0.status))" }.joined(separator: ", "))
            }
            if !summary.possiblySame.isEmpty {
                lines.append("")
                lines.append("Possibly the same person (not merged; a person decides):")
                for match in summary.possiblySame {
                    lines.append("  contact #\(match.contactId): \(match.evidence)  (letterbox contacts merge \(summary.id) \(match.contactId))")
                }
            }
            if !summary.restrictions.isEmpty {
                lines.append("")
                lines.append("Contact arrangements:")
                let today = SQLiteCaseStore.londonToday()
                for restriction in summary.restrictions { lines.append("  " + RestrictionText.line(restriction, today: today)) }
            }
            lines.append("")
            lines.append("History:")
            for entry in summary.audit {
                lines.append("  \(londonTime(entry.at))  \(entry.action)  by \(entry.actor)  \(entry.reason ?? "")")
            }
            print(lines.joined(separator: "\n"))
        }
    }
}

struct ContactsMerge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge contact B into contact A (audited; `unmerge B` undoes it).",
        discussion: "Example:\n  letterbox contacts merge 42 57 --by \"J Patel\" \\\n      --reason \"Same tenant: confirmed on the phone\""
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The contact to keep.") var keep: Int64
    @Argument(help: "The contact merged into it.") var merge: Int64
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            try store.mergeContacts(keep: keep, merge: merge, actor: decision.actor, reason: decision.reason)
            print("Contact #\(merge) is now part of contact #\(keep).")
        }
    }
}

struct ContactsUnmerge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmerge",
        abstract: "Separate a merged contact again, with its own records (audited).",
        discussion: "Example:\n  letterbox contacts unmerge 57 --reason \"Mother and daughter, not one person\""
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The contact that was merged into another.") var contact: Int64
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            try store.unmergeContact(contact, actor: decision.actor, reason: decision.reason)
            print("Contact #\(contact) is a contact of its own again.")
        }
    }
}

enum RestrictionText {
    static func line(_ r: Restriction, today: String) -> String {
        var text = "#\(r.id) contact #\(r.contactId): \(r.arrangement). Reason: \(r.reason). Approved by \(r.approvedBy); review by \(r.reviewBy)"
        if let ended = r.endedAt {
            text += "; ended \(londonTime(ended)) by \(r.endedBy ?? "?")\(r.endReason.map { ": \($0)" } ?? "")"
        } else if r.isOverdue(today: today) {
            text += " (REVIEW OVERDUE)"
        }
        text += ". Vulnerability check: \(r.vulnerabilityCheck ?? "NOT RECORDED")."
        return text
    }
}

struct Restrictions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restrictions",
        abstract: "Contact arrangements (restrictions) a person decided, with reviews.",
        discussion: """
            A contact under an arrangement is still recorded and forwarded in full; each
            record is flagged restricted_contact with the arrangement. Reports of
            emergencies or health and safety are never restricted (flagged
            restriction_does_not_apply instead).

            Examples:
              letterbox restrictions add 42 --reason "Daily calls to repairs staff, see \\
                  LB-2026-000311" \\
                  --approved-by "Head of Housing" --review-by 2027-01-31 \\
                  --single-point-of-contact "J Patel" --channels phone,email \\
                  --vulnerability-check \\
                  "Checked 3 Nov: no disclosed needs; large print offered"
              letterbox restrictions list
              letterbox restrictions end 3 --reason "Review: contact now reasonable"
            """,
        subcommands: [RestrictionsAdd.self, RestrictionsList.self, RestrictionsEnd.self]
    )
}

struct RestrictionsAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record an arrangement a person approved.",
        discussion: "Example:\n  letterbox restrictions add 42 --reason \"...\" \\\n      --approved-by \"Head of Housing\" --review-by 2027-01-31"
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The contact's number.") var contact: Int64
    @Option(help: "Why: the behaviour and the evidence (record references).") var reason: String
    @Option(help: "Who approved it.") var approvedBy: String
    @Option(help: "When it must be reviewed (YYYY-MM-DD).") var reviewBy: String
    @Option(help: "The one member of staff the contact deals with.") var singlePointOfContact: String?
    @Option(help: "The channels it covers, comma-separated (\(ChannelNames.list)); default all.") var channels: String?
    @Option(help: "The vulnerability and reasonable-adjustment check made before deciding.") var vulnerabilityCheck: String?
    @Option(help: "Who is recording it (default: your login name).") var by: String?

    func run() async throws {
        try await reportingErrors {
            guard reviewBy.count == 10, UKDateReader().date(from: reviewBy) != nil else {
                throw CLIError(.usage, "--review-by must be a date as YYYY-MM-DD, e.g. 2027-01-31.")
            }
            guard reviewBy >= SQLiteCaseStore.londonToday() else {
                throw CLIError(.usage, "--review-by \(reviewBy) is in the past: an arrangement needs a review date ahead.")
            }
            let list = try (channels ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
                .map { try ChannelNames.channel($0, option: "--channels").rawValue }
            let store = try await Settings.load(storeOptions).openExistingStore()
            let restriction = try store.addRestriction(
                contactId: contact, reason: reason, approvedBy: approvedBy, reviewBy: reviewBy,
                singlePointOfContact: singlePointOfContact, channels: list, vulnerabilityCheck: vulnerabilityCheck,
                actor: actorName(by)
            )
            print("Recorded arrangement #\(restriction.id) for contact #\(restriction.contactId): \(restriction.arrangement); review by \(reviewBy).")
            if vulnerabilityCheck == nil {
                print("Warning: no vulnerability check was recorded. The landlord's policy requires one before contact is restricted; add it with a new arrangement if it was made.")
            }
        }
    }
}

struct RestrictionsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List current arrangements (overdue reviews marked; --all: ended too).",
        discussion: "Example:\n  letterbox restrictions list --all"
    )

    @OptionGroup var storeOptions: StoreOptions
    @ArgumentParser.Flag(help: "Include arrangements that have ended.") var all = false

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            let list = try store.restrictions(includeEnded: all)
            let today = SQLiteCaseStore.londonToday()
            if list.isEmpty { print("No \(all ? "" : "current ")contact arrangements.") }
            for restriction in list { print(RestrictionText.line(restriction, today: today)) }
            let overdue = list.filter { $0.isOverdue(today: today) }.count
            if overdue > 0 { print("\(overdue) review\(overdue == 1 ? " is" : "s are") overdue.") }
        }
    }
}

struct RestrictionsEnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract: "End an arrangement. Audited.",
        discussion: "Example:\n  letterbox restrictions end 3 --reason \"Reviewed 2 Feb: no longer needed\""
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The arrangement's number.") var id: Int64
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            try store.endRestriction(id: id, actor: decision.actor, reason: decision.reason)
            print("Arrangement #\(id) has ended.")
        }
    }
}

struct Cases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Close and reopen cases.",
        discussion: """
            A repeat joins an open case; the same matter after closure opens a new one.

            Examples:
              letterbox cases close LB-2026-000101 --reason "Stage 1 response sent 4 Mar"
              letterbox cases reopen LB-2026-000101 --reason "Escalated to stage 2"
            """,
        subcommands: [CasesClose.self, CasesReopen.self]
    )
}

struct CasesClose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close the case a record belongs to. Audited.")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Any record of the case.") var reference: String
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            let caseReference = try store.setCaseStatus(reference: reference, open: false, actor: decision.actor, reason: decision.reason)
            print("Case \(caseReference) is closed.")
        }
    }
}

struct CasesReopen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a closed case. Audited.")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Any record of the case.") var reference: String
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            let caseReference = try store.setCaseStatus(reference: reference, open: true, actor: decision.actor, reason: decision.reason)
            print("Case \(caseReference) is open again.")
        }
    }
}
