import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxServer
import LetterboxStore
import LetterboxForward

struct Quarantine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "See and re-run submissions that could not be read.",
        discussion: """
            Nothing that arrives is lost: a submission that cannot be read is kept, bytes
            and all, with the reason. After the cause is fixed (a new Letterbox, a
            corrected config), retry it.

            Examples:
              letterbox quarantine list
              letterbox quarantine show 42
              letterbox quarantine retry 42
              letterbox quarantine retry --all
            """,
        subcommands: [QuarantineList.self, QuarantineShow.self, QuarantineRetry.self],
        defaultSubcommand: QuarantineList.self
    )
}

struct QuarantineList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List quarantined submissions, oldest first.",
        discussion: """
            Also lists submissions an interrupted run stored but never read (pending for
            more than a minute): `letterbox serve` and `letterbox watch` settle them on
            their own, and `letterbox quarantine retry` does it now.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            let items = try store.submissions(.quarantined)
            let interrupted = try Self.interrupted(store)
            for item in items + interrupted {
                let id = "#\(item.id)".padding(toLength: 8, withPad: " ", startingAt: 0)
                let pending = item.disposition == .pending
                let code = (pending ? "interrupted" : item.errorCode ?? "").padding(toLength: 12, withPad: " ", startingAt: 0)
                print("\(id)\(londonTime(item.receivedAt))  \(item.channel.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))\(code)\(item.source)")
                print("        \(pending ? "Stored, then the run that took it in stopped before reading it. `letterbox serve` and `watch` settle it on their own; `letterbox quarantine retry \(item.id)` does it now." : item.reason ?? "")")
            }
            writeToStandardError("\(items.count) quarantined submission(s)\(interrupted.isEmpty ? "" : ", \(interrupted.count) interrupted")\n")
        }
    }
}

extension QuarantineList {
    /// Pending for over a minute: no run is reading it now.
    static func interrupted(_ store: any CaseStore) throws -> [StoredSubmission] {
        let cutoff = Date().addingTimeInterval(-60)
        return try store.submissions(.pending).filter { $0.receivedAt < cutoff }
    }
}

struct QuarantineShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a quarantined submission: why, from where, its bytes (--raw)."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The submission number from `quarantine list`.")
    var id: Int64

    @ArgumentParser.Flag(help: "Print the exact bytes, unchanged, instead of a description.")
    var raw = false

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            guard let item = try store.rawSubmission(id: id) else {
                throw CLIError(.noInput, "There is no submission #\(id).")
            }
            let bytes = try store.blob(sha256: item.sha256) ?? Data()
            if raw {
                FileHandle.standardOutput.write(bytes)
                return
            }
            print("Submission   #\(item.id) (\(item.disposition.rawValue))")
            print("Channel      \(item.channel.rawValue)")
            print("Source       \(item.source)")
            print("Received     \(londonTime(item.receivedAt)) (London)")
            print("Size         \(item.size) bytes, sha256 \(item.sha256)")
            print("Attempts     \(item.attempts)")
            if let code = item.errorCode { print("Error        \(code)") }
            if let reason = item.reason { print("Reason       \(reason)") }
            for (key, value) in item.metadata.sorted(by: { $0.key < $1.key }) { print("\(key.padding(toLength: 13, withPad: " ", startingAt: 0))\(value)") }
            print("")
            print("History:")
            for entry in try store.auditTrail(rawSubmissionId: item.id) {
                print("  \(londonTime(entry.at))  \(entry.actor): \(entry.action)  \(entry.reason ?? "")")
            }
            print("")
            print("Use --raw to print the \(bytes.count) stored bytes.")
        }
    }
}

struct QuarantineRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Decode quarantined submissions again with this version of Letterbox."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The submission number to retry.")
    var id: Int64?

    @ArgumentParser.Flag(help: "Retry every quarantined (and interrupted) submission.")
    var all = false

    func validate() throws {
        if (id == nil) == !all {
            throw ValidationError("Give either a submission number or --all.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            // Every channel's decoder, the SMS gateways' profiles from the config included.
            let intake = settings.intake(backend: store)
            let ids = all ? try (store.submissions(.quarantined, limit: Int.max) + QuarantineList.interrupted(store)).map(\.id) : [id!]
            var stillQuarantined = 0
            for id in ids {
                let outcome = try intake.retry(rawSubmissionId: id)
                if outcome.disposition == .quarantined { stillQuarantined += 1 }
                print(OutcomeLine.format(outcome, path: "submission #\(id)"))
            }
            writeToStandardError("\(ids.count) retried: \(ids.count - stillQuarantined) settled, \(stillQuarantined) still quarantined\n")
            if stillQuarantined > 0 { throw ExitCode(CLIError.Status.dataError.code) }
        }
    }
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts by channel and disposition, links, flags, reviews, outbox.",
        discussion: "Example:\n  letterbox stats"
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            let counts = try store.dispositionCounts()
            let dispositions = Disposition.allCases
            print("CHANNEL".padding(toLength: 10, withPad: " ", startingAt: 0) + dispositions.map { $0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined())
            for channel in counts.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                let cells = dispositions.map { String(counts[channel]?[$0] ?? 0).padding(toLength: 13, withPad: " ", startingAt: 0) }
                print(channel.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + cells.joined())
            }
            let verdicts = try store.ignoredVerdictCounts()
            if !verdicts.isEmpty {
                print("\nIGNORED (not feedback), by verdict:")
                for (channel, verdict, count) in verdicts {
                    print("  " + channel.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + verdict.padding(toLength: 20, withPad: " ", startingAt: 0) + String(count))
                }
            }
            let followUps = try store.followUpCounts()
            if followUps.linked + followUps.possible > 0 {
                print("\nFollow-ups linked to their case: \(followUps.linked); possible follow-ups for a person to decide: \(followUps.possible)")
            }
            let links = try store.linkCounts()
            if !links.isEmpty {
                print("\nLINKS AND FLAGS:")
                for (name, count) in links { print("  " + name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(count)) }
            }
            let triage = try store.triageCounts()
            if !triage.kinds.isEmpty {
                print("\nKINDS AND TRIAGE FLAGS:")
                for (name, count) in triage.kinds { print("  " + name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(count)) }
                for (name, count) in triage.flags { print("  " + name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(count)) }
                print("Records with a due date passed on an open case: \(triage.overdue) (letterbox list --overdue)")
            }
            let configured = (try? settings.forwardConfiguration().destinations.map(\.name)) ?? []
            let outbox = try store.outboxCounts(destinations: configured)
            if !outbox.isEmpty {
                print("\nOUTBOX (deliveries to case systems):")
                print("  " + ["DESTINATION", "WAITING", "RETRYING", "DEAD", "DELIVERED", "OLDEST WAITING"].enumerated()
                    .map { $0 == 5 ? $1 : $1.padding(toLength: $0 == 0 ? 16 : 11, withPad: " ", startingAt: 0) }.joined())
                for count in outbox {
                    let oldest = count.oldestWaiting.map { "\(Int(Date().timeIntervalSince($0) / 60)) min" } ?? "-"
                    let cells = [count.destination, String(count.pending + count.unqueued), String(count.retrying), String(count.dead), String(count.delivered), oldest]
                    print("  " + cells.enumerated().map { $1.padding(toLength: $0 == 0 ? 16 : 11, withPad: " ", startingAt: 0) }.joined())
                    if let reason = count.disabledReason { print("    DISABLED: \(reason) (letterbox outbox enable \(count.destination))") }
                    if !configured.isEmpty, !configured.contains(count.destination) { print("    (no longer in forward.destinations)") }
                }
            }
            let today = SQLiteCaseStore.londonToday()
            let restrictions = try store.restrictions()
            if !restrictions.isEmpty {
                let overdue = restrictions.filter { $0.isOverdue(today: today) }
                print("\nContact arrangements in force: \(restrictions.count); reviews overdue: \(overdue.count)")
                for restriction in overdue {
                    print("  OVERDUE: arrangement #\(restriction.id), contact #\(restriction.contactId), review was due \(restriction.reviewBy) (letterbox restrictions list)")
                }
            }
        }
    }
}
