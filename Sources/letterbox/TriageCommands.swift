import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxStore

struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Correct a reading, re-read older records, measure the triage rules.",
        subcommands: [TriageSet.self, TriageBackfill.self, TriageEvalCommand.self]
    )
}

struct TriageSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set a record's kind, category or service area, with the reason.",
        discussion: """
            Letterbox's own reading and the officer's correction are both kept in the
            audit log.

            Kinds: complaint, compliment, suggestion, comment, service_request,
            information_request, asb_report. Categories: delay, failure_to_provide,
            poor_quality, inappropriate_service, service_withdrawn, cost, staff_behaviour,
            policy, discrimination ("" clears it). The due dates follow the new kind.

            Examples:
              letterbox triage set LB-2026-000042 --kind complaint --category delay \\
                  --reason "Second report; the repair was missed" --by "A. Shah"
              letterbox triage set LB-2026-000043 --kind service_request --reason "First \\
                  report of the fault" --by "A. Shah"
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The record's reference.") var reference: String
    @Option(help: "The kind.") var kind: String?
    @Option(help: "The complaint category.") var category: String?
    @Option(help: "The service area.") var serviceArea: String?
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            guard kind != nil || category != nil || serviceArea != nil else {
                throw CLIError(.usage, "Give at least one of --kind, --category, --service-area.")
            }
            if let kind, !Triage.kinds.contains(FeedbackRecord.Kind(rawValue: kind)) {
                throw CLIError(.usage, "--kind \(kind): use one of \(Triage.kinds.map(\.rawValue).joined(separator: ", ")).")
            }
            if let category, !category.isEmpty, !Triage.categoryNames.map(\.1).contains(category) {
                throw CLIError(.usage, "--category \(category): use one of \(Triage.categoryNames.map(\.1).joined(separator: ", ")).")
            }
            if let serviceArea, !(Triage.serviceAreaNames.map(\.1) + ["other"]).contains(serviceArea) {
                throw CLIError(.usage, "--service-area \(serviceArea): use one of \((Triage.serviceAreaNames.map(\.1) + ["other"]).joined(separator: ", ")).")
            }
            guard !decision.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError(.usage, "--reason must say why.") }
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            let record = try store.correctTriage(
                reference: reference, kind: kind.map(FeedbackRecord.Kind.init(rawValue:)), category: category,
                serviceArea: serviceArea, reason: decision.reason, by: decision.actor
            )
            print("\(record.reference): \(record.kind?.rawValue ?? "-"), category \(record.category ?? "-"), service area \(record.serviceArea ?? "-").")
            if let due = record.dueDates?.basis { print(due) }
        }
    }
}

struct TriageBackfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Give kinds and due dates to records stored before triage existed.",
        discussion: """
            With --all, every record an officer has not corrected is read again.

            Examples:
              letterbox triage backfill
              letterbox triage backfill --all     # after changing timescales.* or \\
                  calendar.*
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @ArgumentParser.Flag(help: "Every record, not only those without a kind.") var all = false

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            let count = try store.backfillTriage(all: all)
            print("\(count) record(s) read.")
        }
    }
}

struct TriageEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the triage rules on a labelled set (precision, recall).",
        discussion: """
            Prints per-kind precision and recall, the confusion matrix and flag recall.

            The set's format is described at the top of Samples/triage/eval.txt.

            Examples:
              letterbox triage eval
              letterbox triage eval --set my-labelled-items.txt --mistakes
            """
    )

    @Option(help: "The labelled set.") var set = "Samples/triage/eval.txt"
    @ArgumentParser.Flag(help: "List each item read differently from its label.") var mistakes = false

    func run() async throws {
        try await reportingErrors {
            guard let text = try? String(contentsOfFile: set, encoding: .utf8) else {
                throw CLIError(.noInput, "Cannot read the labelled set \(set).")
            }
            let evaluation: TriageEvaluation
            do { evaluation = try TriageEvaluation(text: text) } catch {
                throw CLIError(.dataError, "\(set): \(error)")
            }
            // A fixed arrival date, so that "since 2023" is judged the same on every run.
            let received = Date(timeIntervalSince1970: 1_795_000_000)
            let result = evaluation.score(Triage(), received: received)
            print(TriageEvaluation.report(result, title: "Triage on \(set)"))
            let held = evaluation.items.filter { $0.id > "e150" }
            if !held.isEmpty, set.hasSuffix("Samples/triage/eval.txt") {
                let heldOut = evaluation.score(Triage(), received: received) { $0.id > "e150" }
                print(TriageEvaluation.report(heldOut, title: "Held-out items only (e151-, not used to tune the rules)"))
            }
            if mistakes {
                for m in result.mistakes { print("  \(m.id): labelled \(m.expected.rawValue), read \(m.got.rawValue): \(m.reason)") }
                for f in result.flagMisses { print("  \(f.id): \(f.missed ? "missed" : "extra") \(f.flag.rawValue)") }
            }
        }
    }
}
